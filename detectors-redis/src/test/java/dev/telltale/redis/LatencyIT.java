package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import io.lettuce.core.ScriptOutputType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyIT {

    @Test
    void spikesFromTheLatencyMonitor() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--latency-monitor-threshold", "20"); RedisTarget target = redis.target("cache")) {
            Detector d = Runs.detector(target, "redis.latency");
            assertThat(Runs.run(d).findings()).isEmpty();
            redis.redis().eval(SlowCommandsIT.LOOP, ScriptOutputType.INTEGER, new String[0], "40000000");
            Detection spike = Runs.run(d, Map.of("warning", "25ms"));
            Finding f = Runs.finding(spike, "latency event command").orElseThrow();
            assertThat(f.evidence()).containsEntry("source", "latency-monitor").containsEntry("event", "command")
                    .containsEntry("latency_monitor_threshold_ms", 20L);
            assertThat((Long) f.evidence().get("latest_ms")).isGreaterThanOrEqualTo(20L);
            assertThat(f.severity()).isIn(Severity.WARNING, Severity.CRITICAL, Severity.INFO);
            assertThat(Runs.signal(spike, "redis.latency.spike", redis.address(), "master", "command").orElseThrow()).isGreaterThan(0.02);
            // a spike is reported once (a later one, say the server descheduled on a loaded machine, has another time)
            assertThat(Runs.run(d).findings()).noneMatch(x -> x.subject().equals(f.subject())
                    && x.evidence().get("at").equals(f.evidence().get("at")));
        }
    }

    @Test
    void withTheMonitorOffItReadsLatencystatsOrSaysWhatToTurnOn() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            Detector latency = Runs.detector(target, "redis.latency");
            Detection first = Runs.run(latency, Map.of("warning", "10ms"));
            redis.redis().eval(SlowCommandsIT.LOOP, ScriptOutputType.INTEGER, new String[0], "40000000");
            Detection d = Runs.run(latency, Map.of("warning", "10ms"));
            if (!LocalRedis.embedded()) {
                assertThat(first.findings()).as("the first run only takes the sample").isEmpty();
            }
            if (LocalRedis.embedded()) {
                assertThat(d.isSkipped()).isTrue();
                assertThat(d.skipReason().orElseThrow()).contains("latency-monitor-threshold").contains("6.2").contains("7.0");
            } else {
                Finding f = Runs.finding(d, "eval p99").orElseThrow();
                assertThat(f.evidence()).containsEntry("source", "latencystats").containsEntry("command", "eval");
                assertThat((Double) f.evidence().get("p99_ms")).isGreaterThan(10.0);
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(Runs.signal(d, "redis.latency.p99", redis.address(), "master", "1").orElseThrow()).isGreaterThan(0.01);
            }
        }
    }

    @Test
    void anOldSpikeFollowedByQuietIsNoFindingAfterTheNextRun() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            org.junit.jupiter.api.Assumptions.assumeFalse(LocalRedis.embedded(), "per-command histograms need Redis 7.0");
            Map<String, String> s = Map.of("warning", "10ms");
            // a detector that starts after the spike sees only since-start counts: no verdict from them
            redis.redis().eval(SlowCommandsIT.LOOP, ScriptOutputType.INTEGER, new String[0], "40000000");
            Detector late = Runs.detector(target, "redis.latency");
            assertThat(Runs.run(late, s).findings()).isEmpty();
            redis.redis().set("quiet", "1");
            assertThat(Runs.run(late, s).findings()).as("quiet since the first run").isEmpty();

            // one that saw the spike happen reports it once, then the quiet that follows
            Detector d = Runs.detector(target, "redis.latency");
            Runs.run(d, s);
            redis.redis().eval(SlowCommandsIT.LOOP, ScriptOutputType.INTEGER, new String[0], "40000000");
            Finding spike = Runs.finding(Runs.run(d, s), "eval p99").orElseThrow();
            assertThat(spike.evidence()).containsEntry("calls", 1L);
            for (int i = 0; i < 50; i++) {
                redis.redis().eval("return 1", ScriptOutputType.INTEGER, new String[0]);
            }
            Detection quiet = Runs.run(d, s);
            assertThat(quiet.findings()).as("the old spike is not current").isEmpty();
            assertThat(Runs.signal(quiet, "redis.latency.p99", redis.address(), "master", "1").orElseThrow()).isLessThan(0.01);
        }
    }
}
