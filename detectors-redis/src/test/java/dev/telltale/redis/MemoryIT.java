package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryIT {

    @Test
    void fillingALowMaxmemoryEvictsAndIsReported() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--maxmemory", "8mb", "--maxmemory-policy", "allkeys-lru");
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            Detector d = Runs.detector(target, "redis.memory");
            Detection first = Runs.run(d);
            assertThat(Runs.above(first, Severity.WARNING)).isEmpty();
            assertThat(Runs.signal(first, "redis.memory.max", redis.address(), "master")).contains(8.0 * 1024 * 1024);

            String value = "x".repeat(1000);
            for (int batch = 0; batch < 20; batch++) {
                Map<String, String> kv = new HashMap<>();
                for (int i = 0; i < 1000; i++) {
                    kv.put("fill:" + batch + ":" + i, value);
                }
                redis.redis().mset(kv);
            }
            Detection second = Runs.run(d);
            Finding evictions = Runs.finding(second, "evictions").orElseThrow();
            assertThat(evictions.severity()).isEqualTo(Severity.WARNING);
            assertThat(evictions.problem()).isEqualTo(Problem.MEMORY_LEAK_LONG_RUNNING);
            assertThat(evictions.subject()).isEqualTo("node " + redis.address() + " evictions");
            assertThat((Long) evictions.evidence().get("evicted_keys")).isPositive();
            assertThat(evictions.evidence()).containsEntry("maxmemory_policy", "allkeys-lru");
            Finding pressure = Runs.finding(second, "memory").orElseThrow();
            assertThat(pressure.severity()).isIn(Severity.WARNING, Severity.CRITICAL);
            assertThat((Double) pressure.evidence().get("usage")).isGreaterThan(0.9);
            assertThat(Runs.signal(second, "redis.memory.usage", redis.address(), "master").orElseThrow()).isGreaterThan(0.9);
            assertThat(Runs.signal(second, "redis.memory.evictions", redis.address(), "master").orElseThrow()).isPositive();
        }
    }

    @Test
    void noMaxmemoryMeansNoRatio() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            Detection d = Runs.run(Runs.detector(target, "redis.memory"));
            assertThat(Runs.signal(d, "redis.memory.usage", redis.address())).isEmpty();
            assertThat(Runs.signal(d, "redis.memory.max", redis.address())).contains(0.0);
            assertThat(Runs.above(d, Severity.WARNING)).isEmpty();
        }
    }
}
