package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.testkit.DetectorHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RecommendationsIT {

    @Test
    void eachMeasurableRecommendationIsMadeWithItsFix() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < 1001; i++) {
                items.add("event-" + i);
            }
            redis.redis().rpush("timeline:1", items.toArray(String[]::new));
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < 1001; i++) {
                fields.put("attribute_name_" + i, "1");
            }
            redis.redis().hset("profile:1", fields);
            Map<String, String> small = new HashMap<>();
            for (int i = 0; i < 60; i++) {
                small.put("flag:" + i, "on");
            }
            redis.redis().mset(small);
            redis.redis().select(1);
            redis.redis().set("other:1", "x");
            redis.redis().select(0);

            Detector d = Runs.detector(target, "redis.recommendations");
            Detection found = Runs.run(d, Map.of("keys.total", "50"));
            assertThat(found.findings()).allSatisfy(f -> {
                assertThat(f.severity()).isEqualTo(Severity.INFO);
                assertThat(f.problem()).isEqualTo(Problem.STORAGE_BLOAT);
                assertThat(f.hint()).isNotBlank();
            });
            Finding lists = Runs.finding(found, "list compression").orElseThrow(() -> new AssertionError(found.toString()));
            assertThat(lists.evidence()).containsEntry("lists", 1L).containsEntry("list_compress_depth", "0")
                    .hasEntrySatisfying("example_key", k -> assertThat((String) k).startsWith("timeline:").doesNotContain("timeline:1"));
            assertThat(lists.hint()).contains("CONFIG SET list-compress-depth 1");
            assertThat(Runs.finding(found, "hash field names").orElseThrow().evidence()).containsEntry("hashes", 1L);
            assertThat(Runs.finding(found, "small strings").orElseThrow().evidence()).containsEntry("small_strings", 60L);
            assertThat(Runs.finding(found, "key names").orElseThrow().evidence()).containsEntry("keys", 62L);
            assertThat(Runs.finding(found, "logical databases").orElseThrow().evidence()).containsEntry("databases", 2);
            assertThat(Runs.signal(found, "redis.recommendations.long_lists", redis.address())).contains(1.0);
            assertThat(Runs.signal(found, "redis.recommendations.long_hashes", redis.address())).contains(1.0);
            assertThat(Runs.signal(found, "redis.recommendations.small_strings", redis.address())).contains(60.0);
            assertThat(Runs.signal(found, "redis.recommendations.logical_databases", redis.address())).contains(1.0);
            assertThat(Runs.signal(found, "redis.recommendations.key_name_length", redis.address()).orElseThrow()).isBetween(6.0, 12.0);
            assertThat(found.coverage()).hasValueSatisfying(c -> assertThat(c.scanned()).isEqualTo(62));

            // the list hint followed literally: compressed lists are no longer a recommendation
            redis.redis().configSet("list-compress-depth", "1");
            assertThat(Runs.finding(Runs.run(d), "list compression")).isEmpty();
        }
    }

    @Test
    void aOneShotCheckReadsTheSharedWalk() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            Map<String, String> small = new HashMap<>();
            for (int i = 0; i < 60; i++) {
                small.put("flag:" + i, "on");
            }
            redis.redis().mset(small);
            DetectorHarness h = DetectorHarness.of(Runs.detector(target, "redis.recommendations")).set("timeout", "20s");
            assertThat(h.baselinePass().findings()).isEmpty();
            Detection report = h.reportPass();
            assertThat(Runs.finding(report, "small strings").orElseThrow().evidence()).containsEntry("small_strings", 60L);
            assertThat(report.coverage()).hasValueSatisfying(c -> assertThat(c.scanned()).isEqualTo(60));
        }
    }

    @Test
    void aSmallWellShapedKeyspaceIsSilent() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            for (int i = 0; i < 10; i++) {
                redis.redis().hset("user:" + i, Map.of("name", "n" + i, "email", "e" + i));
                redis.redis().set("page:" + i, "x".repeat(500));
            }
            redis.redis().rpush("queue:jobs", "a", "b", "c");
            Detection d = Runs.run(Runs.detector(target, "redis.recommendations"));
            assertThat(d.findings()).isEmpty();
            assertThat(Runs.signal(d, "redis.recommendations.logical_databases", redis.address())).contains(0.0);
            assertThat(Runs.signal(d, "redis.recommendations.long_lists", redis.address())).contains(0.0);
        }
    }
}
