package dev.telltale.redis;

import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Report;
import dev.telltale.core.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NamespacesIT {

    /** 100,000 keys: 20,000 media:img: blobs hold about 80 % of the memory, 80,000 small keys share the rest. */
    @Test
    void aNamespaceHoldingMostOfTheMemoryAmongAHundredThousandKeysIsReportedAtItsDeepestLevel() throws Exception {
        try (LocalRedis redis = LocalRedis.start();
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url()).keyNames(KeyNames.full())) {
            load(redis, 20_000, i -> "media:img:" + i, "x".repeat(1_200));
            load(redis, 5_000, i -> "media:meta:" + i, "m");
            for (String ns : new String[] {"user:", "cart:", "session:"}) {
                load(redis, 25_000, i -> ns + i + ":v", "v12345");
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (DetectorEngine engine = DetectorEngine.builder().detector(Runs.detector(target, "redis.namespaces"))
                    .set("redis.namespaces.dominant.min-memory", "1 MiB").set("redis.namespaces.signals.top", "3").build()) {
                engine.bindTo(registry);
                Report report = engine.runOnce(Duration.ofMillis(200));
                assertThat(report.runs()).singleElement().satisfies(r -> {
                    assertThat(r.outcome().kind()).isEqualTo("ok");
                    assertThat(r.coverage().orElseThrow().scanned()).isEqualTo(100_000);
                    assertThat(r.notes()).singleElement().asString().startsWith("top namespaces on " + redis.address())
                            .contains("complete walk of 100,000 keys").contains("media:img: ").contains("user: ");
                });
                assertThat(report.findings()).as("one finding per cause: media:img:, not also media:").singleElement().satisfies(f -> {
                    assertThat(f.problem()).isEqualTo(Problem.STORAGE_BLOAT);
                    assertThat(f.severity()).isEqualTo(Severity.INFO);
                    assertThat(f.subject()).isEqualTo("namespace media:img: on " + redis.address());
                    assertThat((Double) f.evidence().get("share")).isBetween(0.7, 0.9);
                    assertThat(f.evidence()).containsEntry("keys", 20_000L).containsEntry("walked_keys", 100_000L)
                            .containsEntry("memory_error_bytes", 0L).containsEntry("without_ttl_share", 1.0)
                            .containsEntry("scan_pass_complete", true);
                    assertThat((String) f.evidence().get("biggest_keys")).startsWith("media:img:");
                });
                double share = registry.find("telltale.redis.namespaces.largest_share").tag("target", "cache")
                        .tag("node", redis.address()).gauge().value();
                assertThat(share).as("media: at the top level").isBetween(0.7, 0.92);
                assertThat(registry.find("telltale.redis.namespace.keys").tag("namespace", "media:img:").gauge().value())
                        .isEqualTo(20_000.0);
                assertThat(registry.find("telltale.redis.namespace.memory").gauges()).hasSize(3);
            }
        }
    }

    @Test
    void evenlySpreadNamespacesRaiseNothingAndPublishNoNamespaceTagsByDefault() throws Exception {
        try (LocalRedis redis = LocalRedis.start();
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url()).keyNames(KeyNames.full())) {
            for (String ns : new String[] {"user:", "cart:", "session:", "product:", "order:"}) {
                load(redis, 10_000, i -> ns + i, "x".repeat(200));
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (DetectorEngine engine = DetectorEngine.builder().detector(Runs.detector(target, "redis.namespaces"))
                    .set("redis.namespaces.dominant.min-memory", "1 MiB").build()) {
                engine.bindTo(registry);
                Report report = engine.runOnce(Duration.ofMillis(200));
                assertThat(report.runs()).singleElement().satisfies(r -> assertThat(r.outcome().kind()).isEqualTo("ok"));
                assertThat(report.findings()).isEmpty();
                assertThat(registry.find("telltale.redis.namespaces.largest_share").gauge().value()).isBetween(0.15, 0.25);
                assertThat(registry.find("telltale.redis.namespace.memory").gauges()).isEmpty();
            }
        }
    }

    @Test
    void byDefaultDeeperSegmentsAndKeyNamesAreTagged() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            load(redis, 2_000, i -> "session:alice@example.com:" + i, "x".repeat(1_000));
            load(redis, 100, i -> "other:" + i, "y");
            Report report;
            try (DetectorEngine engine = DetectorEngine.builder().detector(Runs.detector(target, "redis.namespaces"))
                    .set("redis.namespaces.dominant.min-memory", "0").set("redis.namespaces.signals.top", "2").build()) {
                report = engine.runOnce(Duration.ofMillis(200));
            }
            Finding f = report.findings().stream().findFirst().orElseThrow();
            assertThat(f.subject()).matches("namespace session:#[0-9a-f]{8}: on .*");
            assertThat(report.findings() + " " + report.runs()).doesNotContain("alice").contains("session:* #");
            assertThat(report.runs().get(0).signals()).allSatisfy(s -> assertThat(s.toString()).doesNotContain("alice"));
        }
    }

    @Test
    void scheduledRunsWalkWithinTheirBudgetAndSayWhatTheyHaveSampledUntilThePassCompletes() throws Exception {
        Map<String, String> budget = Map.of("scan.keys", "4000", "scan.time", "30s", "dominant.min-memory", "1 MiB");
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = fullNames(redis)) {
            dev.telltale.core.Detector d = Runs.detector(target, "redis.namespaces");
            load(redis, 3_000, i -> "blob:" + i, "x".repeat(2_000));
            load(redis, 7_000, i -> "small:" + i, "s");
            dev.telltale.core.Detection first = Runs.run(d, budget);
            assertThat(first.notes()).singleElement().asString().contains("sampled: ").contains(" of 10,000 keys walked");
            dev.telltale.core.Detection last = first;
            for (int i = 0; i < 5 && last.notes().stream().noneMatch(n -> n.contains("complete walk of 10,000 keys")); i++) {
                last = Runs.run(d, budget);
            }
            assertThat(last.notes()).singleElement().asString().contains("complete walk of 10,000 keys");
            assertThat(Runs.finding(last, "namespace blob: on")).hasValueSatisfying(f ->
                    assertThat(f.evidence()).containsEntry("keys", 3_000L).containsEntry("scan_pass_complete", true));
        }
    }

    private static RedisTarget fullNames(LocalRedis redis) {
        return RedisTarget.fromUrl("cache", redis.url()).keyNames(KeyNames.full());
    }

    private static void load(LocalRedis redis, int n, java.util.function.IntFunction<String> key, String value) {
        redis.fill(n, 5000, key, i -> value);
    }
}
