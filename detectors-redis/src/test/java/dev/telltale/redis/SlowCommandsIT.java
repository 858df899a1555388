package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SortArgs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SlowCommandsIT {
    /** A Lua busy loop: real server time, no DEBUG (disabled by default on 7.x). */
    static final String LOOP = "local x = 0 for i = 1, tonumber(ARGV[1]) do x = x + i end return x";

    @Test
    void newSlowlogEntriesOnceEachGroupedByCommand() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--slowlog-log-slower-than", "5000");
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url()).keyNames(KeyNames.full())) {
            Detector d = Runs.detector(target, "redis.slow-commands");
            Detection baseline = Runs.run(d);
            assertThat(baseline.findings()).noneMatch(f -> f.subject().startsWith("eval") || f.subject().startsWith("sort"));

            List<String> numbers = new ArrayList<>();
            for (int i = 0; i < 200_000; i++) {
                numbers.add(String.valueOf((i * 7919) % 200_000));
            }
            for (int i = 0; i < numbers.size(); i += 10_000) {
                redis.redis().rpush("scores", numbers.subList(i, i + 10_000).toArray(new String[0]));
            }
            redis.redis().sort("scores", SortArgs.Builder.limit(0, 10));
            redis.redis().eval(LOOP, ScriptOutputType.INTEGER, new String[0], "30000000");
            redis.redis().eval(LOOP, ScriptOutputType.INTEGER, new String[0], "20000000");

            Detection first = Runs.run(d);
            Finding eval = Runs.finding(first, "eval on").orElseThrow();
            assertThat(eval.problem()).isEqualTo(Problem.SLOW_QUERIES);
            assertThat(eval.subject()).isEqualTo("eval on " + redis.address());
            assertThat(eval.evidence()).containsEntry("entries", 2);
            assertThat((Double) eval.evidence().get("slowest_ms")).isGreaterThan(5.0);
            assertThat((String) eval.evidence().get("slowest_call")).startsWith("EVAL local x = 0").contains("(+2 args)");
            // graded by the default thresholds (50 ms, 1 s): a loaded machine can push the 30M-step loop past 1 s
            double slowest = (Double) eval.evidence().get("slowest_ms");
            assertThat(eval.severity()).isEqualTo(slowest >= 1000 ? Severity.CRITICAL : slowest >= 50 ? Severity.WARNING : Severity.INFO);
            Finding sort = Runs.finding(first, "sort on").orElseThrow();
            assertThat((String) sort.evidence().get("slowest_call")).isEqualTo("SORT scores (+3 args)");
            // on a loaded machine a bulk RPUSH can pass 5 ms too: at least our three
            assertThat(Runs.signal(first, "redis.slowlog.entries", redis.address()).orElseThrow()).isGreaterThanOrEqualTo(3.0);

            Detection again = Runs.run(d);
            assertThat(again.findings()).as("no repeats").noneMatch(f -> f.subject().startsWith("eval") || f.subject().startsWith("sort"));

            // the ring buffer wraps between runs: the lost entries are counted
            redis.redis().configSet("slowlog-max-len", "2");
            for (int i = 0; i < 5; i++) {
                redis.redis().eval(LOOP, ScriptOutputType.INTEGER, new String[0], "5000000");
            }
            Detection wrapped = Runs.run(d);
            Finding gap = wrapped.findings().stream().filter(f -> f.evidence().containsKey("missed_entries")).findFirst().orElseThrow();
            assertThat((Long) gap.evidence().get("missed_entries")).isGreaterThanOrEqualTo(3L);
            assertThat(Runs.finding(wrapped, "eval on")).isPresent();
            assertThat(gap.hint()).contains("slowlog-max-len");
        }
    }

    @Test
    void ourOwnCommandsAreNeverTheServersSlowCommands() throws Exception {
        // every command is "slow": our SCAN, INFO, SLOWLOG and key probes are all in the slowlog
        try (LocalRedis redis = LocalRedis.start("--slowlog-log-slower-than", "0", "--slowlog-max-len", "100000");
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            Map<String, String> keys = new HashMap<>();
            for (int i = 0; i < 2000; i++) {
                keys.put("k:" + i, "v");
            }
            redis.redis().mset(keys);
            Detector d = Runs.detector(target, "redis.slow-commands");
            Runs.run(d);
            Runs.run(Runs.detector(target, "redis.big-keys"));
            Detection ours = Runs.run(d);
            assertThat(ours.findings()).as("nothing but our own commands ran").isEmpty();

            redis.redis().get("k:1");
            Detection theirs = Runs.run(d);
            assertThat(theirs.findings()).singleElement().satisfies(f -> {
                assertThat(f.subject()).isEqualTo("get on " + redis.address());
                assertThat(f.evidence()).containsEntry("entries", 1);
            });
            assertThat(redis.redis().slowlogGet(100000).stream().<Object>map(e -> ((List<?>) e).get(5)))
                    .as("our own commands are in the slowlog under our name").contains("telltale");
        }
    }
}
