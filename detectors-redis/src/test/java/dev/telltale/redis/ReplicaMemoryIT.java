package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A master remembers its replicas: one that disappears stays a finding until it returns (or is forgotten). */
class ReplicaMemoryIT {

    @Test
    void aLostReplicaStaysAFindingUntilAReplicaComesBack() throws Exception {
        try (LocalRedis master = LocalRedis.start("--repl-diskless-sync-delay", "0");
             RedisTarget target = RedisTarget.fromUrl("sessions", master.url())) {
            LocalRedis replica = LocalRedis.start("--replicaof", "127.0.0.1", String.valueOf(master.port()));
            int port = replica.port();
            String subject = "replica " + replica.address() + " of " + master.address() + " gone";
            Detector d = Runs.detector(target, "redis.replication");
            try {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(Runs.signal(Runs.run(d), "redis.replication.replicas", master.address())).contains(1.0));
                assertThat(Runs.finding(Runs.run(d), "gone")).isEmpty();
            } finally {
                replica.close();
            }

            // the master drops it from INFO replication: the finding comes, and stays run after run
            List<Detection> runs = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                Detection now = Runs.run(d);
                if (Runs.finding(now, "gone").isPresent()) {
                    runs.add(now);
                }
                assertThat(runs).hasSizeGreaterThanOrEqualTo(2);
                assertThat((Long) Runs.finding(now, "gone").orElseThrow().evidence().get("gone_seconds")).isGreaterThanOrEqualTo(2L);
            });
            Detection last = runs.get(runs.size() - 1);
            Finding gone = Runs.finding(last, subject).orElseThrow(() -> new AssertionError(last.toString()));
            assertThat(gone.severity()).isEqualTo(Severity.WARNING);
            assertThat(gone.summary()).contains("has been gone for");
            assertThat(gone.evidence()).containsEntry("replica", "127.0.0.1:" + port).containsEntry("connected_replicas", 0);
            assertThat(gone.evidence().get("run_id")).as("learnt from the replica itself while it answered").isNotNull();
            assertThat(Runs.signal(last, "redis.replication.missing_replicas", master.address())).contains(1.0);
            assertThat(Runs.above(last, Severity.WARNING)).as("one finding for one lost replica").hasSize(1);

            // it comes back where it was: resolved
            try (LocalRedis back = LocalRedis.startOn(port, "--replicaof", "127.0.0.1", String.valueOf(master.port()))) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                    Detection now = Runs.run(d);
                    assertThat(Runs.finding(now, "gone")).isEmpty();
                    assertThat(Runs.signal(now, "redis.replication.missing_replicas", master.address())).contains(0.0);
                });
            }
        }
    }

    @Test
    void aReplicaRemovedOnPurposeIsForgottenAfterTheSetting() throws Exception {
        try (LocalRedis master = LocalRedis.start("--repl-diskless-sync-delay", "0");
             RedisTarget target = RedisTarget.fromUrl("sessions", master.url())) {
            Detector d = Runs.detector(target, "redis.replication");
            Map<String, String> s = Map.of("replicas.forget-after", "2s");
            try (LocalRedis replica = LocalRedis.start("--replicaof", "127.0.0.1", String.valueOf(master.port()))) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(Runs.signal(Runs.run(d, s), "redis.replication.replicas", master.address())).contains(1.0));
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                    .untilAsserted(() -> assertThat(Runs.finding(Runs.run(d, s), "gone")).isPresent());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                Detection now = Runs.run(d, s);
                assertThat(Runs.finding(now, "gone")).isEmpty();
                assertThat(Runs.signal(now, "redis.replication.missing_replicas", master.address())).contains(0.0);
            });
        }
    }
}
