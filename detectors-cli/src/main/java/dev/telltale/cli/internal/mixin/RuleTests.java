package dev.telltale.cli.internal.mixin;

import dev.telltale.cli.internal.mixin.AlertRule.Case;
import dev.telltale.cli.internal.mixin.AlertRule.Series;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code promtool test rules} file for the generated rules: every case of every rule becomes one test group,
 * so a failure names the alert and what it was shown. Expected annotations are rendered here the way Prometheus
 * renders the rules' templates, which use {@code $labels.<name>} and {@code $value} only.
 */
public final class RuleTests {
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{ \\$(labels\\.([a-zA-Z_][a-zA-Z0-9_]*)|value) }}");

    private RuleTests() {
    }

    /** How many test groups {@link #yaml} writes. */
    public static int count(List<AlertRule> rules) {
        return rules.stream().mapToInt(r -> r.cases().size()).sum();
    }

    /**
     * @param rulesFile the rule file's name, relative to the test file
     */
    public static String yaml(List<AlertRule> rules, String rulesFile) {
        StringBuilder y = new StringBuilder();
        y.append("# promtool test rules for ").append(rulesFile).append(", generated with it: each alert fires with its labels\n");
        y.append("# after its 'for' and stays silent before, on healthy series and on not-applicable detector runs.\n");
        y.append("# Do not edit: the build writes this file. Run: promtool test rules <this file>\n");
        y.append("rule_files:\n  - ").append(rulesFile).append('\n');
        y.append("evaluation_interval: 1m\n");
        y.append("tests:\n");
        for (AlertRule r : rules) {
            for (Case c : r.cases()) {
                y.append("  - name: ").append(Yaml.quote(r.name() + ": " + c.description())).append('\n');
                y.append("    interval: 1m\n");
                y.append("    input_series:\n");
                for (Series s : c.input()) {
                    y.append("      - series: ").append(Yaml.quote(Yaml.series(s.name(), s.labels()))).append('\n');
                    y.append("        values: ").append(Yaml.quote(s.values())).append('\n');
                }
                y.append("    alert_rule_test:\n");
                y.append("      - eval_time: ").append(Yaml.duration(c.at())).append('\n');
                y.append("        alertname: ").append(r.name()).append('\n');
                if (c.firing().isEmpty()) {
                    y.append("        exp_alerts: []\n");
                    continue;
                }
                y.append("        exp_alerts:\n");
                for (Map<String, String> result : c.firing()) {
                    Map<String, String> labels = new TreeMap<>(result);
                    labels.putAll(r.labels());
                    y.append("          - exp_labels: ").append(Yaml.map(labels)).append('\n');
                    Map<String, String> annotations = new LinkedHashMap<>();
                    r.annotations().forEach((k, v) -> annotations.put(k, render(v, labels, c.value())));
                    y.append("            exp_annotations: ").append(Yaml.map(annotations)).append('\n');
                }
            }
        }
        return y.toString();
    }

    static String render(String template, Map<String, String> labels, String value) {
        Matcher m = TEMPLATE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = m.group(2) == null ? value : labels.getOrDefault(m.group(2), "");
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        return m.appendTail(out).toString();
    }
}
