package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.core.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** redis.topology compares only endpoints that replication links; the per-node detectors run on every target. */
class TopologyIT {

    @Test
    void twoUnrelatedServersAndTwoDbsOfOneAreNoSplitBrainAndEachTargetGetsEveryDetector() throws Exception {
        try (LocalRedis cacheServer = LocalRedis.start(); LocalRedis sessionServer = LocalRedis.start();
             RedisTarget cache = RedisTarget.fromUrl("cache", cacheServer.url());
             RedisTarget cacheDb1 = RedisTarget.fromUrl("cache-db1", "redis://127.0.0.1:" + cacheServer.port() + "/1");
             RedisTarget sessions = RedisTarget.fromUrl("sessions", sessionServer.url())) {
            cacheServer.redis().set("k", "v");
            sessionServer.redis().set("s", "v");
            List<RedisTarget> targets = List.of(cache, cacheDb1, sessions);
            List<Detector> detectors = new ArrayList<>();
            targets.forEach(t -> detectors.addAll(RedisDetectors.forTarget(t)));
            detectors.addAll(RedisDetectors.forTopology(targets));

            try (DetectorEngine engine = DetectorEngine.builder().detectors(detectors).build()) {
                Report report = engine.runOnce(Duration.ofMillis(100));
                assertThat(report.findings()).filteredOn(f -> f.problem() == Problem.SPLIT_BRAIN).isEmpty();
                List<String> perNode = RedisDetectors.specs().stream().map(DetectorSpec::id)
                        .filter(id -> !id.equals("redis.topology") && !id.startsWith("redis.sentinel.")).toList();
                assertThat(perNode).hasSize(15);
                for (RedisTarget t : targets) {
                    assertThat(report.runs()).filteredOn(r -> r.target().equals(t.name())).extracting(RunRecord::detector)
                            .as("runs on %s", t.name()).containsExactlyInAnyOrderElementsOf(perNode);
                }
                assertThat(report.runs()).filteredOn(r -> r.detector().equals("redis.topology")).singleElement()
                        .satisfies(r -> assertThat(r.outcome().kind()).isEqualTo("ok"));
            }
            Detection topology = Runs.run(RedisDetectors.forTopology(targets).get(0));
            assertThat(topology.findings()).isEmpty();
            assertThat(Runs.signal(topology, "redis.topology.masters")).contains(1.0);
        }
    }

    @Test
    void aReplicaPromotedWhileItsMasterStillTakesWritesIsASplitBrain() throws Exception {
        try (LocalRedis master = LocalRedis.start("--repl-diskless-sync-delay", "0");
             LocalRedis replica = LocalRedis.start("--replicaof", "127.0.0.1", String.valueOf(master.port()));
             LocalRedis unrelated = LocalRedis.start();
             RedisTarget primary = RedisTarget.fromUrl("orders", master.url());
             RedisTarget standby = RedisTarget.fromUrl("orders-replica", replica.url());
             RedisTarget other = RedisTarget.fromUrl("sessions", unrelated.url())) {
            master.redis().set("order:1", "paid");
            await().atMost(Duration.ofSeconds(30)).until(() -> "paid".equals(replica.redis().get("order:1")));
            Detector topology = RedisDetectors.forTopology(List.of(primary, standby, other)).get(0);
            assertThat(Runs.run(topology).findings()).isEmpty();

            // promoted with the link up: the old master stops listing it, only the shared history links them
            replica.redis().replicaofNoOne();
            master.redis().set("order:2", "paid");
            Detection split = Runs.run(topology);
            Finding f = split.findings().stream().filter(x -> x.problem() == Problem.SPLIT_BRAIN).findFirst()
                    .orElseThrow(() -> new AssertionError(split.toString()));
            assertThat(split.findings()).hasSize(1);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.subject()).isEqualTo("replica group orders+orders-replica");
            assertThat((String) f.evidence().get("masters")).contains(master.address()).contains(replica.address())
                    .doesNotContain(unrelated.address());
            assertThat((String) f.evidence().get("linked_by")).contains("share replication id");
            assertThat(f.hint()).contains("REPLICAOF").doesNotContain(unrelated.address());
            assertThat(Runs.signal(split, "redis.topology.masters")).contains(2.0);
        }
    }
}
