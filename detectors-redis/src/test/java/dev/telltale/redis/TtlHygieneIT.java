package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.RedisFuture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TtlHygieneIT {

    @Test
    void keysExpiringInTheSameSecondAndCacheKeysWithoutTtl() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            long at = (System.currentTimeMillis() / 1000 + 3600) * 1000 + 500; // one second, an hour from now
            RedisAsyncCommands<String, String> async = redis.client().connect().async();
            List<RedisFuture<String>> sets = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                sets.add(async.set("price:" + i, "9.99", SetArgs.Builder.pxAt(at)));
            }
            for (int i = 0; i < 2000; i++) {
                sets.add(async.set("user:" + i, "u", SetArgs.Builder.ex(600 + i))); // spread TTLs
            }
            for (RedisFuture<String> f : sets) {
                f.get(10, TimeUnit.SECONDS);
            }
            Map<String, String> noTtl = new HashMap<>();
            for (int i = 0; i < 500; i++) {
                noTtl.put("cart:" + i, "[]");
            }
            redis.redis().mset(noTtl);

            Detection d = Runs.run(Runs.detector(target, "redis.ttl-hygiene"));
            Finding herd = Runs.finding(d, "expiry cluster").orElseThrow();
            assertThat(herd.severity()).isEqualTo(Severity.WARNING);
            assertThat(herd.problem()).isEqualTo(Problem.THUNDERING_HERD);
            assertThat(herd.evidence()).containsEntry("keys_in_second", 3000);
            assertThat((String) herd.evidence().get("prefixes")).startsWith("price:* (3000)");
            Finding carts = Runs.finding(d, "keys cart:* without TTL").orElseThrow();
            assertThat(carts.severity()).isEqualTo(Severity.INFO);
            assertThat(carts.problem()).isEqualTo(Problem.CACHE_INVALIDATION_RACE);
            assertThat(carts.evidence()).containsEntry("without_ttl", 500L);
            assertThat(d.findings()).filteredOn(f -> f.subject().contains("user:")).isEmpty();
            assertThat(Runs.signal(d, "redis.keys.expiry_cluster", redis.address())).contains(3000.0);
        }
    }
}
