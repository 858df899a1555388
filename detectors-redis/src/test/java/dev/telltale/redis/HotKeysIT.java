package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Report;
import dev.telltale.core.Severity;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class HotKeysIT {

    @Test
    void aHammeredKeyAmongTenThousandQuietOnesIsInTheTopThree() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--maxmemory-policy", "allkeys-lfu");
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url()).keyNames(KeyNames.full())) {
            redis.fill(10_000, 1000, i -> "product:" + i, i -> "v" + i);
            redis.redis().set("product:celebrity", "hot");
            hammer(redis, "product:celebrity", 8, 40_000);

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (DetectorEngine engine = DetectorEngine.builder().detector(Runs.detector(target, "redis.hot-keys")).build()) {
                engine.bindTo(registry);
                Report report = engine.runOnce(Duration.ofMillis(200));
                assertThat(report.runs()).singleElement().satisfies(r -> assertThat(r.outcome().kind()).isEqualTo("ok"));
                Finding hot = report.findings().stream().filter(f -> f.subject().startsWith("key product:celebrity")).findFirst().orElseThrow();
                assertThat(hot.severity()).isEqualTo(Severity.WARNING);
                assertThat(hot.problem()).isEqualTo(Problem.PERFORMANCE_HOTSPOTS);
                assertThat(hot.subject()).isEqualTo("key product:celebrity on " + redis.address());
                assertThat((Integer) hot.evidence().get("rank")).isLessThanOrEqualTo(3);
                assertThat((Long) hot.evidence().get("lfu_counter")).isGreaterThanOrEqualTo(50);
                assertThat((Long) hot.evidence().get("sampled_keys")).isGreaterThanOrEqualTo(10_000);
                assertThat(report.findings()).filteredOn(f -> f.subject().startsWith("key product:") && !f.subject().contains("celebrity")).isEmpty();
                assertThat(registry.find("telltale.redis.hotkeys.frequency").tag("target", "cache").tag("node", redis.address())
                        .tag("rank", "1").gauge().value()).isGreaterThanOrEqualTo(50);
            }
        }
    }

    @Test
    void withoutAnLfuPolicyItSaysWhy() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--maxmemory-policy", "allkeys-lru");
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url()).keyNames(KeyNames.full())) {
            redis.redis().set("k", "v");
            for (int i = 0; i < 100; i++) {
                redis.redis().get("k");
            }
            Detection d = Runs.run(Runs.detector(target, "redis.hot-keys"));
            assertThat(d.isSkipped()).isTrue();
            assertThat(d.skipReason().orElseThrow()).contains("LFU").contains("allkeys-lru").contains("allkeys-lfu")
                    .contains("per command: get");
        }
    }

    static void hammer(LocalRedis redis, String key, int threads, int total) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong done = new AtomicLong();
        List<StatefulRedisConnection<String, String>> conns = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            StatefulRedisConnection<String, String> c = redis.client().connect();
            conns.add(c);
            pool.submit(() -> {
                while (done.incrementAndGet() <= total) {
                    c.sync().get(key);
                }
                return null;
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        conns.forEach(StatefulRedisConnection::close);
    }
}
