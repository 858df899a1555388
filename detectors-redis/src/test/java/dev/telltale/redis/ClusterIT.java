package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ClusterIT {

    @Test
    void threeMastersOneOfThemHot() throws Exception {
        try (LocalRedis a = node(); LocalRedis b = node(); LocalRedis c = node()) {
            slots(a, 0, 5460);
            slots(b, 5461, 10922);
            slots(c, 10923, 16383);
            a.redis().clusterMeet("127.0.0.1", b.port());
            a.redis().clusterMeet("127.0.0.1", c.port());
            for (LocalRedis n : List.of(a, b, c)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> n.redis().clusterInfo().contains("cluster_state:ok"));
            }
            // a key and a hash tag that both live on b
            String tag = IntStream.range(0, 10_000).mapToObj(i -> "tenant" + i)
                    .filter(t -> SlotHash.getSlot(t) >= 5461 && SlotHash.getSlot(t) <= 10922).findFirst().orElseThrow();
            Map<String, String> tenantKeys = new HashMap<>();
            for (int i = 0; i < 12_000; i++) {
                tenantKeys.put("{" + tag + "}:item:" + i, "x");
                if (tenantKeys.size() == 2000) {
                    b.redis().mset(tenantKeys);
                    tenantKeys.clear();
                }
            }
            String hotKey = "{" + tag + "}:profile";
            b.redis().set(hotKey, "celebrity");

            try (RedisTarget target = RedisTarget.fromUrl("shop", a.url())) {
                assertThat(target.nodes()).extracting(RedisNode::address)
                        .containsExactlyInAnyOrder(a.address(), b.address(), c.address());
                assertThat(target.nodes()).allSatisfy(n -> assertThat(n.role()).isEqualTo(RedisNode.Role.MASTER));
                Detector d = Runs.detector(target, "redis.cluster");
                Detection first = Runs.run(d);
                assertThat(first.findings()).filteredOn(f -> f.subject().equals("cluster state")).isEmpty();
                assertThat(Runs.signal(first, "redis.cluster.state_ok", b.address())).contains(1.0);

                HotKeysIT.hammer(b, hotKey, 8, 20_000);
                Detection second = Runs.run(d);
                Finding hot = Runs.finding(second, "node " + b.address() + " traffic").orElseThrow(() -> new AssertionError(second));
                assertThat(hot.severity()).isEqualTo(Severity.WARNING);
                assertThat(hot.problem()).isEqualTo(Problem.SCALABILITY_HOTSPOTS);
                assertThat((Double) hot.evidence().get("share")).isGreaterThan(0.8);
                Finding keys = Runs.finding(second, "node " + b.address() + " keys").orElseThrow();
                assertThat(keys.evidence()).containsEntry("keys", 12_001L);
                assertThat(second.findings()).filteredOn(f -> f.subject().contains(a.address()) || f.subject().contains(c.address())).isEmpty();
                assertThat(Runs.signal(second, "redis.cluster.ops", b.address()).orElseThrow())
                        .isGreaterThan(10 * Runs.signal(second, "redis.cluster.ops", a.address()).orElseThrow());

                // the per-node detectors walk every node of the cluster too
                Detection memory = Runs.run(Runs.detector(target, "redis.memory"));
                assertThat(memory.signals()).filteredOn(s -> s.spec().name().equals("redis.memory.used")).hasSize(3);

                // the application's own cluster client works too, and stays open after the target closes
                io.lettuce.core.cluster.RedisClusterClient app = io.lettuce.core.cluster.RedisClusterClient.create(a.url());
                try (RedisTarget borrowed = RedisTarget.fromClusterClient("shop-app", app)) {
                    assertThat(borrowed.nodes()).extracting(RedisNode::address)
                            .containsExactlyInAnyOrder(a.address(), b.address(), c.address());
                    assertThat(Runs.run(Runs.detector(borrowed, "redis.cluster")).findings())
                            .noneMatch(f -> f.subject().equals("cluster state"));
                }
                try (var appConnection = app.connect()) {
                    assertThat(appConnection.sync().get(hotKey)).isEqualTo("celebrity");
                } finally {
                    app.shutdown();
                }

                // a master dies: it is reported as unreachable, and once the others agree, its slots fail
                c.close();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    Detection down = Runs.run(d);
                    assertThat(Runs.finding(down, "cluster state")).as(down.toString()).hasValueSatisfying(f -> {
                        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
                        assertThat(f.evidence()).containsEntry("cluster_state", "fail");
                    });
                    assertThat(Runs.finding(down, "node " + c.address() + " unreachable")).as(down.toString())
                            .hasValueSatisfying(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
                });
            }
        }
    }

    /** A standalone server has no cluster to check: by design, so not applicable, and not skipped (nothing to fix). */
    @Test
    void aStandaloneServerIsNotApplicableNotSkipped() throws Exception {
        try (LocalRedis standalone = LocalRedis.start();
             RedisTarget target = RedisTarget.fromUrl("cache", standalone.url())) {
            dev.telltale.testkit.DetectorHarness harness = dev.telltale.testkit.DetectorHarness.of(Runs.detector(target, "redis.cluster"));
            org.assertj.core.api.Assertions.assertThatThrownBy(harness::run)
                    .isInstanceOf(dev.telltale.core.DetectionNotApplicableException.class)
                    .hasMessageContaining(standalone.address() + " is not a cluster node");

            io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            try (dev.telltale.core.DetectorEngine engine = dev.telltale.core.DetectorEngine.builder()
                    .detectors(List.of(Runs.detector(target, "redis.cluster"))).build()) {
                engine.bindTo(registry);
                dev.telltale.core.Report report = engine.runOnce(Duration.ZERO);
                assertThat(report.runs()).singleElement().satisfies(r -> {
                    assertThat(r.outcome()).isInstanceOf(dev.telltale.core.Outcome.NotApplicable.class);
                    assertThat(r.outcome().kind()).isEqualTo("not-applicable");
                });
                assertThat(report.skipped()).isEmpty();
                assertThat(report.status(true)).isEqualTo(dev.telltale.core.Report.Status.OK);
                assertThat(registry.find("telltale.detector.runs").tag("outcome", "not-applicable").timer().count()).isPositive();
                assertThat(registry.find("telltale.detector.runs").tag("outcome", "skipped").timer()).isNull();
            }
        }
    }

    static LocalRedis node() {
        return LocalRedis.start("--cluster-enabled", "yes", "--cluster-node-timeout", "5000");
    }

    static void slots(LocalRedis n, int from, int to) {
        n.redis().clusterAddSlots(IntStream.rangeClosed(from, to).toArray());
    }
}
