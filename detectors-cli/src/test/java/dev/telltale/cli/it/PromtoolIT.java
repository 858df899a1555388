package dev.telltale.cli.it;

import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.mixin.AlertRule;
import dev.telltale.cli.internal.mixin.AlertRules;
import dev.telltale.cli.internal.mixin.MixinOptions;
import dev.telltale.cli.internal.mixin.Monitoring;
import dev.telltale.cli.internal.mixin.RuleTests;
import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.redis.RedisDetectors;
import dev.telltale.redis.RedisTarget;
import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.TestRedis;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * promtool accepts the generated rules and passes their generated unit tests, for the committed files and for a
 * deployment's options; and the run counter a real not-applicable detector publishes never fires
 * {@code TelltaleDetectorNotLooking}, while a failing one does. CI installs promtool (Debian package prometheus);
 * there a missing promtool fails the class.
 */
@ExtendWith(RedisExtension.class)
class PromtoolIT {
    private static final Path MONITORING = Path.of(System.getProperty("telltale.repo", "..")).resolve("monitoring");
    private static Path promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        if (promtool == null) {
            assertThat("true".equals(System.getenv("CI"))).as("promtool is required in CI: apt-get install -y prometheus").isFalse();
            assumeTrue(false, "promtool not found on PATH; install it with 'apt-get install -y prometheus' to run this check");
        }
    }

    @Test
    void promtoolAcceptsTheCommittedRulesAndPassesTheirTests() throws Exception {
        assertThat(promtool("check", "rules", MONITORING.resolve(Monitoring.RULES_FILE))).contains("SUCCESS: 75 rules found");
        assertThat(promtool("test", "rules", MONITORING.resolve(Monitoring.RULE_TESTS_FILE))).contains("SUCCESS");
        String tests = Files.readString(MONITORING.resolve(Monitoring.RULE_TESTS_FILE));
        for (AlertRule r : AlertRules.of(TargetKinds.builtIn().specs(), MixinOptions.defaults())) {
            assertThat(tests).as(r.name()).contains("name: \"" + r.name() + ": ");
        }
    }

    /** A deployment's selector and group-by labels, written by the jar as a person would. */
    @Test
    void rulesForADeploymentPassTheirTests(@TempDir Path dir) throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(Duration.ofSeconds(60), "rules", "--output", dir.toString(),
                "--selector", "job=\"shop-telltale\",env=\"prod\"", "--group-by", "cluster,namespace",
                "--runbook-base-url", "https://wiki.example.com/telltale");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("75 alerts, ");
        String rules = Files.readString(dir.resolve(Monitoring.RULES_FILE));
        assertThat(rules).contains("runbook_url: \"https://wiki.example.com/telltale/docs/runbooks/performance/slow-queries.md\"")
                .contains("group by (cluster, namespace)").contains("up{job=\\\"shop-telltale\\\", env=\\\"prod\\\"} == 0");
        assertThat(promtool("check", "rules", dir.resolve(Monitoring.RULES_FILE))).contains("SUCCESS");
        assertThat(promtool("test", "rules", dir.resolve(Monitoring.RULE_TESTS_FILE))).contains("SUCCESS");
    }

    /**
     * The series a real engine publishes for a standalone Redis's cluster check (not applicable) and for a detector
     * that throws, replayed into promtool against the committed rules: the first stays silent, the second fires.
     */
    @Test
    void aNotApplicableDetectorNeverFiresNotLooking(TestRedis redis, @TempDir Path dir) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (RedisTarget target = RedisTarget.fromUrl("cache", redis.uri())) {
            List<Detector> detectors = new ArrayList<>(RedisDetectors.forTarget(target).stream()
                    .filter(d -> d.id().equals("redis.cluster")).toList());
            detectors.add(new Throwing());
            try (DetectorEngine engine = DetectorEngine.builder().detectors(detectors).build()) {
                engine.bindTo(registry);
                engine.runOnce(Duration.ZERO);
            }
        }
        String scrape = registry.scrape();
        Map<String, String> notApplicable = runSeries(scrape, "redis.cluster");
        Map<String, String> failing = runSeries(scrape, "test.throwing");
        assertThat(notApplicable).containsEntry("outcome", "not-applicable");
        assertThat(failing).containsEntry("outcome", "error");

        AlertRule rule = AlertRules.of(TargetKinds.builtIn().specs(), MixinOptions.defaults()).stream()
                .filter(x -> x.name().equals("TelltaleDetectorNotLooking")).findFirst().orElseThrow();
        AlertRule.Series na = new AlertRule.Series(AlertRules.RUNS_COUNT, notApplicable, "0+1x60");
        AlertRule.Series err = new AlertRule.Series(AlertRules.RUNS_COUNT, failing, "0+1x60");
        AlertRule replay = new AlertRule(rule.name(), rule.expr(), rule.holdFor(), rule.labels(), rule.annotations(), List.of(
                AlertRule.Case.silent("a real not-applicable run counter, an hour long", Duration.ofMinutes(60), na),
                AlertRule.Case.fires("a real failing run counter", Duration.ofMinutes(30), err, "")));
        Files.copy(MONITORING.resolve(Monitoring.RULES_FILE), dir.resolve(Monitoring.RULES_FILE));
        Path tests = Files.writeString(dir.resolve("replay.test.yml"), RuleTests.yaml(List.of(replay), Monitoring.RULES_FILE));
        assertThat(promtool("test", "rules", tests)).contains("SUCCESS");
    }

    /** The labels of a detector's run counter in the scrape, plus those Prometheus adds when it scrapes the agent. */
    private static Map<String, String> runSeries(String scrape, String detector) {
        Matcher m = Pattern.compile("(?m)^" + AlertRules.RUNS_COUNT + "\\{([^}]*detector=\"" + Pattern.quote(detector) + "\"[^}]*)}")
                .matcher(scrape);
        assertThat(m.find()).as(scrape).isTrue();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("instance", "agent:9464");
        labels.put("job", "telltale");
        Matcher l = Pattern.compile("([a-zA-Z_]+)=\"([^\"]*)\"").matcher(m.group(1));
        while (l.find()) {
            labels.put(l.group(1), l.group(2));
        }
        return labels;
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }

    private static String promtool(String command, String sub, Path file) throws Exception {
        return promtool(command, sub, file.toString());
    }

    /** A detector whose every run fails, as a broken query would. */
    private static final class Throwing implements Detector {
        private static final DetectorSpec SPEC = DetectorSpec.builder("test.throwing")
                .summary("Fails on every run.").problems(Problem.SLOW_QUERIES).interval(Duration.ofSeconds(30)).build();

        public DetectorSpec spec() {
            return SPEC;
        }

        public String target() {
            return "cache";
        }

        public Detection detect(DetectionContext ctx) {
            throw new IllegalStateException("relation does not exist");
        }
    }
}
