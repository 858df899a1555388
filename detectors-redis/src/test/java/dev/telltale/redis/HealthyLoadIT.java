package dev.telltale.redis;

import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Outcome;
import dev.telltale.core.Report;
import dev.telltale.core.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** redis-benchmark's mixed workload on a master with a replica: every detector runs, none raises more than INFO. */
class HealthyLoadIT {

    @Test
    void mixedBenchmarkRaisesNothingAboveInfo() throws Exception {
        try (LocalRedis master = LocalRedis.start("--repl-diskless-sync-delay", "0");
             LocalRedis replica = LocalRedis.start("--replicaof", "127.0.0.1", String.valueOf(master.port()));
             RedisTarget target = RedisTarget.fromUrl("cache", master.url())) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> master.redis().info("replication").contains("state=online"));
            // Healthy means no big collections either: redis-benchmark grows one hash, set and sorted set by a
            // member per random field, so -r bounds them (1,000 < every big-key threshold), and its LPUSH phase
            // builds a list before RPOP drains it, so the list tests are left out. Only GET counts as a keyspace lookup,
            // so short rounds (-n 3000, about 0.1 s a test) loop (-l) until the report is done: every window of the
            // delta detectors sees reads, however long the runs before it take.
            Process bench = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", String.valueOf(master.port()),
                    "-t", "set,get,incr,sadd,hset,spop,zadd,mset", "-n", "3000", "-r", "1000", "-c", "8", "-q", "-l")
                    .redirectErrorStream(true).redirectOutput(Files.createTempFile("bench", ".log").toFile()).start();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            // a loaded 2-core CI machine can deschedule the server in the middle of an O(1) command for tens of
            // ms; that is the machine, not the workload, so slowlog entries count from 250 ms here
            try (DetectorEngine engine = DetectorEngine.builder().detectors(RedisDetectors.forTarget(target))
                    .set("redis.slow-commands.warning", "250ms").build()) {
                engine.bindTo(registry);
                Report report = engine.runOnce(Duration.ofSeconds(2));
                assertThat(report.findings()).filteredOn(f -> f.severity().isAtLeast(Severity.WARNING)).isEmpty();
                assertThat(report.runs()).allSatisfy(r -> assertThat(r.outcome())
                        .isInstanceOfAny(Outcome.Ok.class, Outcome.Skipped.class, Outcome.NotApplicable.class));
                // on 6.2 with the latency monitor off there are no percentiles; without an LFU policy hot keys are
                // estimated (and the benchmark's spread traffic makes no key stand out)
                java.util.List<String> skipped = LocalRedis.embedded() ? java.util.List.of("redis.latency") : java.util.List.of();
                assertThat(report.runs()).filteredOn(r -> r.outcome() instanceof Outcome.Skipped)
                        .extracting(r -> r.detector()).containsExactlyInAnyOrderElementsOf(skipped);
                assertThat(report.runs()).filteredOn(r -> r.detector().equals("redis.hot-keys"))
                        .singleElement().satisfies(r -> assertThat(r.outcome()).isInstanceOf(Outcome.Ok.class));
                // a standalone server has no cluster: nothing to fix, so not skipped
                assertThat(report.runs()).filteredOn(r -> r.outcome() instanceof Outcome.NotApplicable)
                        .extracting(r -> r.detector()).containsExactly("redis.cluster");
                assertThat(registry.find("telltale.redis.cache.lookups").tag("node", master.address()).gauge().value()).isPositive();
                assertThat(registry.find("telltale.redis.replication.link_up").tag("node", replica.address()).gauge().value()).isEqualTo(1.0);
            } finally {
                bench.destroy();
                assertThat(bench.waitFor(2, TimeUnit.MINUTES)).isTrue();
            }
        }
    }
}
