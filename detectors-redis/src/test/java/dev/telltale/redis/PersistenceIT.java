package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

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
            });
        }
    }
}
