package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ReplicationIT {

    @Test
    void linkDownThenASecondMaster() throws Exception {
        try (LocalRedis master = LocalRedis.start("--repl-diskless-sync-delay", "0");
             LocalRedis replica = LocalRedis.start("--replicaof", "127.0.0.1", String.valueOf(master.port()));
             RedisTarget group = RedisTarget.fromUrl("sessions", replica.url());
             RedisTarget masterTarget = RedisTarget.fromUrl("sessions-primary", master.url());
             RedisTarget replicaTarget = RedisTarget.fromUrl("sessions-replica", replica.url())) {
            master.redis().set("user:1", "alice");
            await().atMost(Duration.ofSeconds(30)).until(() -> "alice".equals(replica.redis().get("user:1")));

            Detector d = Runs.detector(group, "redis.replication");
            Detector topology = RedisDetectors.forTopology(List.of(masterTarget, replicaTarget)).get(0);
            Detection healthy = Runs.run(d);
            assertThat(Runs.above(healthy, Severity.WARNING)).isEmpty();
            assertThat(Runs.signal(healthy, "redis.replication.link_up", replica.address(), "replica")).contains(1.0);
            assertThat(Runs.signal(healthy, "redis.replication.lag_bytes", master.address(), "master", replica.address())).isPresent();
            assertThat(Runs.run(topology).findings()).isEmpty();

            // cut the replica off: the master now wants a password the replica does not have
            master.redis().configSet("requirepass", "rotated");
            master.redis().clientKill(io.lettuce.core.KillArgs.Builder.typeSlave());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection now = Runs.run(d);
                Finding down = Runs.finding(now, "replication link").orElseThrow(() -> new AssertionError(now.toString()));
                assertThat(down.severity()).isEqualTo(Severity.CRITICAL);
                assertThat(down.problem()).isEqualTo(Problem.STALE_READ_AFTER_WRITE);
                assertThat(down.subject()).isEqualTo("node " + replica.address() + " replication link");
                assertThat(down.evidence()).containsEntry("master", master.address()).containsEntry("master_link_status", "down");
            });

            // someone promotes the replica while the old master still takes writes: two masters
            replica.redis().replicaofNoOne();
            Detection split = Runs.run(topology);
            Finding f = split.findings().get(0);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.problem()).isEqualTo(Problem.SPLIT_BRAIN);
            assertThat(f.subject()).isEqualTo("replica group sessions-primary+sessions-replica");
            assertThat((String) f.evidence().get("masters")).contains(master.address()).contains(replica.address());
            assertThat(split.signals()).singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(2.0));
        }
    }
}
