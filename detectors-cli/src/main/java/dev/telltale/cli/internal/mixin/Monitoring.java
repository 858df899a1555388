package dev.telltale.cli.internal.mixin;

import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The monitoring mixin, generated from the catalogue and the detectors' specs: Prometheus alerting rules, their
 * {@code promtool test rules} tests and a Grafana dashboard. The build writes the three to {@code monitoring/}
 * with the default options; {@code telltale rules} prints or writes them with a deployment's.
 */
public final class Monitoring {
    public static final String RULES_FILE = "telltale-rules.yml";
    public static final String RULE_TESTS_FILE = "telltale-rules.test.yml";
    public static final String DASHBOARD_FILE = "telltale-dashboard.json";

    private Monitoring() {
    }

    public static String rules(List<DetectorSpec> detectors) {
        return rules(detectors, MixinOptions.defaults());
    }

    public static String rules(List<DetectorSpec> detectors, MixinOptions options) {
        return AlertRules.yaml(AlertRules.of(detectors, options), options);
    }

    /** The tests of {@link #rules}; empty when the selector has a matcher other than {@code =} (no value to give). */
    public static Optional<String> ruleTests(List<DetectorSpec> detectors, MixinOptions options) {
        if (options.equalityLabels().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(RuleTests.yaml(AlertRules.of(detectors, options), RULES_FILE));
    }

    public static String dashboard(List<DetectorSpec> detectors) {
        return dashboard(detectors, MixinOptions.defaults());
    }

    public static String dashboard(List<DetectorSpec> detectors, MixinOptions options) {
        return Dashboard.json(detectors, options);
    }

    public static Map<Problem, Set<String>> detectorsByProblem(List<DetectorSpec> detectors) {
        return AlertRules.detectorsByProblem(detectors);
    }

    /** Every {@code telltale_*} series name the rules and the dashboard query. */
    public static Set<String> metricNamesUsed(String... texts) {
        Set<String> names = new TreeSet<>();
        var m = java.util.regex.Pattern.compile("\\btelltale_[a-z0-9_]+").matcher(String.join("\n", texts));
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /**
     * Writes the files into {@code dir}: the rules, the dashboard and, when the selector allows them, the rules'
     * tests.
     *
     * @return the files written
     */
    public static List<Path> write(Path dir, List<DetectorSpec> detectors, MixinOptions options) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        written.add(Files.writeString(dir.resolve(RULES_FILE), rules(detectors, options), StandardCharsets.UTF_8));
        Optional<String> tests = ruleTests(detectors, options);
        if (tests.isPresent()) {
            written.add(Files.writeString(dir.resolve(RULE_TESTS_FILE), tests.get(), StandardCharsets.UTF_8));
        }
        written.add(Files.writeString(dir.resolve(DASHBOARD_FILE), dashboard(detectors, options), StandardCharsets.UTF_8));
        return written;
    }

    /** The number of alerts and, {@code withTests}, of their generated test cases, for the CLI's summary. */
    public static String counts(List<DetectorSpec> detectors, MixinOptions options, boolean withTests) {
        List<AlertRule> rules = AlertRules.of(detectors, options);
        return rules.size() + " alerts" + (withTests ? ", " + RuleTests.count(rules) + " promtool test cases" : "");
    }

    /** The build's entry point: {@code Monitoring <dir>}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "monitoring");
        // silent: it runs inside every build, including the README's first command
        write(dir, TargetKinds.builtIn().specs(), MixinOptions.defaults());
    }
}
