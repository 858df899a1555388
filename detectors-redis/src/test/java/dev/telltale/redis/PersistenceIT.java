package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PersistenceIT {

    @Test
    void aFailedBackgroundSaveIsCritical() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("store", redis.url())) {
            Detector d = Runs.detector(target, "redis.persistence");
            redis.redis().set("order:1", "paid");
            Detection ok = Runs.run(d);
            assertThat(ok.findings()).isEmpty();
            assertThat(Runs.signal(ok, "redis.persistence.failed", redis.address())).contains(0.0);
            assertThat(Runs.signal(ok, "redis.persistence.fork_time", redis.address())).isPresent();

            // the data directory disappears under the server: the next BGSAVE cannot write its file
            try (var files = Files.list(redis.dir())) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(redis.dir());
            redis.redis().bgsave();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection failed = Runs.run(d);
                Finding f = Runs.finding(failed, "persistence").orElseThrow(() -> new AssertionError(failed.toString()));
                assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
                assertThat(f.evidence()).containsEntry("rdb_last_bgsave_status", "err");
                assertThat((Long) f.evidence().get("rdb_changes_since_last_save")).isPositive();
                assertThat(Runs.signal(failed, "redis.persistence.failed", redis.address())).contains(1.0);
                assertThat(Runs.signal(failed, "redis.persistence.unsaved_changes", redis.address()).orElseThrow()).isPositive();
                // one cause, one finding: the failure, not also an old backup
                assertThat(Runs.finding(failed, "backup")).isEmpty();
            });
        }
    }

    @Test
    void anOldLastSaveWithUnsavedChangesIsAMissingBackup() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("store", redis.url())) {
            redis.redis().configSet("save", "3600 1"); // a save point an hour away: the last save only ages
            Detector d = Runs.detector(target, "redis.persistence");
            Detection clean = Runs.run(d, Map.of("last-save.warning", "2s"));
            assertThat(Runs.finding(clean, "backup")).as("no change since the last save: nothing to lose").isEmpty();
            assertThat(Runs.signal(clean, "redis.persistence.unsaved_changes", redis.address())).contains(0.0);

            redis.redis().set("order:1", "paid");
            redis.redis().set("order:2", "paid");
            assertThat(Runs.finding(Runs.run(d), "backup")).as("24 h by default").isEmpty();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection old = Runs.run(d, Map.of("last-save.warning", "2s"));
                Finding f = Runs.finding(old, "backup").orElseThrow(() -> new AssertionError(old.toString()));
                assertThat(f.problem()).isEqualTo(Problem.SILENT_DATA_CORRUPTION);
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.evidence()).containsEntry("rdb_changes_since_last_save", 2L).containsEntry("save", "3600 1");
                assertThat((Long) f.evidence().get("last_save_age_seconds")).isGreaterThanOrEqualTo(2);
                assertThat(f.summary()).contains("loses 2 changes");
                assertThat(Runs.signal(old, "redis.persistence.last_save_age", redis.address()).orElseThrow()).isGreaterThanOrEqualTo(2.0);
                assertThat(Runs.signal(old, "redis.persistence.unsaved_changes", redis.address())).contains(2.0);
            });

            // following the hint: BGSAVE takes the snapshot and the finding goes
            redis.redis().bgsave();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(Runs.run(d, Map.of("last-save.warning", "2s")).findings()).isEmpty());
        }
    }

    @Test
    void withoutRdbSavesConfiguredAnOldSaveIsNoFinding() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            Detector d = Runs.detector(target, "redis.persistence");
            redis.redis().set("session:1", "x");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    Runs.signal(Runs.run(d), "redis.persistence.last_save_age", redis.address()).orElseThrow()).isGreaterThanOrEqualTo(2.0));
            Detection d2 = Runs.run(d, Map.of("last-save.warning", "1s"));
            assertThat(d2.findings()).as("save \"\": a cache by design").isEmpty();
        }
    }

    @Test
    void failingAofRewritesAreAWarning() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--appendonly", "yes"); RedisTarget target = RedisTarget.fromUrl("store", redis.url())) {
            Detector d = Runs.detector(target, "redis.persistence");
            redis.redis().set("order:1", "paid");
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.redis().info("persistence").contains("aof_rewrite_in_progress:0"));
            assertThat(Runs.run(d).findings()).isEmpty();
            // the directory the rewrite writes its new file into is gone
            try (var files = Files.walk(redis.dir())) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            try {
                redis.redis().bgrewriteaof();
            } catch (io.lettuce.core.RedisCommandExecutionException e) {
                // 7.0 refuses at once when it cannot create the rewrite's files; the status records it all the same
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection failed = Runs.run(d);
                Finding f = Runs.finding(failed, "persistence").orElseThrow(() -> new AssertionError(failed.toString()));
                assertThat(f.evidence()).containsEntry("aof_last_bgrewrite_status", "err").containsEntry("aof_enabled", true);
                assertThat(f.summary()).contains("AOF rewrite");
                assertThat(Runs.signal(failed, "redis.persistence.failed", redis.address())).contains(1.0);
                // a rewrite refused before its fork sets the status but not 7.0's count of failures in a row (a child's)
                assertThat(f.evidence()).containsKey("aof_rewrites_consecutive_failures");
                assertThat(Runs.signal(failed, "redis.persistence.aof_rewrite_failures", redis.address())).isPresent();
            });
        }
    }

    @Test
    void changesPilingUpPastASavePointWhileNoSaveCanStartAreAMissingBackup() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--appendonly", "yes"); RedisTarget target = RedisTarget.fromUrl("store", redis.url())) {
            Detector d = Runs.detector(target, "redis.persistence");
            Map<String, String> kv = new java.util.HashMap<>();
            for (int i = 0; i < 200; i++) {
                kv.put("order:" + i, "paid");
            }
            redis.redis().mset(kv);
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.redis().info("persistence").contains("aof_rewrite_in_progress:0"));
            // a slow AOF rewrite (50 ms per key) holds the one child process a server may have: no BGSAVE can start
            redis.redis().configSet("rdb-key-save-delay", "50000");
            redis.redis().bgrewriteaof();
            await().atMost(Duration.ofSeconds(10)).until(() -> redis.redis().info("persistence").contains("aof_rewrite_in_progress:1"));
            redis.redis().configSet("save", "1 1");
            redis.redis().set("order:new", "paid");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection overdue = Runs.run(d, Map.of("save.grace", "1s"));
                Finding f = Runs.finding(overdue, "backup").orElseThrow(() -> new AssertionError(overdue.toString()));
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.summary()).contains("'save 1 1' was due");
                assertThat(Runs.signal(overdue, "redis.persistence.unsaved_changes", redis.address()).orElseThrow()).isPositive();
            });
            redis.redis().configSet("rdb-key-save-delay", "0");
        }
    }
}
