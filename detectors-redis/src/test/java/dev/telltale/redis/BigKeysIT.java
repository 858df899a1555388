package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BigKeysIT {

    @Test
    void findsABigHashAndABigStringAmongSmallKeysAcrossResumedRuns() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url()).keyNames(KeyNames.full())) {
            redis.fill(100_000, 5000, i -> "session:" + i, i -> "s" + i);
            redis.fillHash("catalog:all", 200_000, 5000);
            redis.redis().set("blob:report", "x".repeat(10 * 1024 * 1024));

            Detector d = Runs.detector(target, "redis.big-keys");
            // the key budget decides each run's share, not the 3 s default time budget a loaded machine runs out of
            Map<String, String> budget = Map.of("scan.keys", "30000", "scan.time", "30s");
            Detection first = Runs.run(d, budget);
            assertThat(Runs.signal(first, "redis.keys.scanned", redis.address()).orElseThrow()).isBetween(30_000.0, 31_000.0);
            Detection last = first;
            int runs = 1;
            while (last.findings().stream().noneMatch(f -> f.evidence().get("scan_pass_complete").equals(true)) && runs < 10) {
                last = Runs.run(d, budget);
                runs++;
            }
            assertThat(runs).as("100,002 keys at 30,000 per run take four runs").isEqualTo(4);
            Finding hash = Runs.finding(last, "key catalog:all").orElseThrow();
            assertThat(hash.severity()).isEqualTo(Severity.CRITICAL); // 40 x the 5,000-field threshold
            assertThat(hash.evidence()).containsEntry("type", "hash").containsEntry("size", 200_000L).containsEntry("unit", "fields");
            assertThat((Long) hash.evidence().get("memory_bytes")).isGreaterThan(1_000_000L);
            Finding blob = Runs.finding(last, "key blob:report").orElseThrow();
            assertThat(blob.evidence()).containsEntry("type", "string").containsEntry("size", 10L * 1024 * 1024);
            assertThat(blob.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(last.findings()).filteredOn(f -> f.subject().contains("session:")).isEmpty();
            assertThat(Runs.signal(last, "redis.keys.biggest", redis.address(), "master", "hash", "1")).contains(200_000.0);
            assertThat(Runs.signal(last, "redis.keys.biggest", redis.address(), "master", "string", "1")).contains(10.0 * 1024 * 1024);

            // the next pass starts over from cursor 0, and still reports from the completed pass meanwhile
            Detection next = Runs.run(d, budget);
            assertThat(Runs.finding(next, "key catalog:all")).isPresent();
        }
    }

    @Test
    void byDefaultAKeyNameShowsOnlyItsFirstSegment() throws Exception {
        String secret = "session:alice.victim@example.com:card=4111-1111-1111-1111";
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            redis.redis().set(secret, "x".repeat(2 * 1024 * 1024));
            redis.redis().set("quarterly-report", "x".repeat(2 * 1024 * 1024));
            Detection d = Runs.run(Runs.detector(target, "redis.big-keys"));
            assertThat(d.findings()).hasSize(2);
            Finding f = Runs.finding(d, "key session:* #").orElseThrow();
            assertThat(f.subject()).matches("key session:\\* #[0-9a-f]{8} on .*");
            assertThat(Runs.finding(d, "key * #")).as("a name without a prefix shows none of itself").isPresent();
            assertThat(d.toString()).doesNotContain("alice", "4111", "quarterly");
            assertThat(d.signals()).allSatisfy(sig -> assertThat(sig.toString()).doesNotContain("session", "alice"));
        }
        assertThat(KeyNames.prefix(2).shown(secret)).startsWith("session:alice.victim@example.com:* #");
        assertThat(KeyNames.full().shown(secret)).isEqualTo(secret);
    }

    @Test
    void aOneShotCheckWalksEverythingAlsoWhereScriptsAreRefused() throws Exception {
        try (LocalRedis redis = LocalRedis.start()) {
            // a user that may read keys but not run scripts (as some managed services set up monitoring users)
            redis.redis().aclSetuser("monitor", io.lettuce.core.AclSetuserArgs.Builder.on().nopass().allKeys().allCommands()
                    .removeCategory(io.lettuce.core.AclCategory.SCRIPTING));
            redis.fill(20_000, 5000, i -> "session:" + i, i -> "s" + i);
            redis.fillHash("catalog:all", 6_000, 6_000);
            try (RedisTarget target = RedisTarget.fromUrl("cache", "redis://monitor:any@127.0.0.1:" + redis.port()).keyNames(KeyNames.full())) {
                Detection d = dev.telltale.testkit.DetectorHarness.of(Runs.detector(target, "redis.big-keys")).reportPass();
                assertThat(Runs.finding(d, "key catalog:all")).hasValueSatisfying(f -> assertThat(f.evidence())
                        .containsEntry("size", 6_000L).containsEntry("scan_pass_complete", true));
                assertThat(d.coverage()).hasValueSatisfying(c -> assertThat(c.complete()).isTrue());
                assertThat(d.coverage().orElseThrow().scanned()).isGreaterThanOrEqualTo(20_001L);
            }
            assertThat(redis.redis().info("commandstats")).doesNotContain("cmdstat_evalsha:calls=");
        }
    }
}
