package dev.telltale.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The monitoring mixin, generated from the catalogue: Prometheus alerting rules (one rule per problem
 * and severity on {@code telltale_findings_active}, one for detectors that cannot look) and a Grafana
 * dashboard. The build writes both to {@code monitoring/}; {@code telltale rules} prints the rules.
 */
public final class Monitoring {
    /** The Prometheus names of the engine's meters, as Micrometer's Prometheus registry writes them. */
    public static final String FINDINGS_ACTIVE = "telltale_findings_active";
    public static final String RUNS_COUNT = "telltale_detector_runs_seconds_count";
    public static final String RUNS_MAX = "telltale_detector_runs_seconds_max";
    public static final String RUNS_SUM = "telltale_detector_runs_seconds_sum";
    public static final String TRANSITIONS = "telltale_finding_transitions_total";

    public static final String RULES_FILE = "telltale-rules.yml";
    public static final String DASHBOARD_FILE = "telltale-dashboard.json";

    private Monitoring() {
    }

    /** The alerting rules, as YAML. {@code detectors} gives each problem's runbook line its detectors. */
    public static String rules(List<DetectorSpec> detectors) {
        Map<Problem, Set<String>> byProblem = detectorsByProblem(detectors);
        StringBuilder y = new StringBuilder();
        y.append("# Prometheus alerting rules for Telltale, generated from the problem catalogue.\n");
        y.append("# Do not edit: the build writes this file (telltale rules prints it).\n");
        y.append("# Findings fire only after their 'for' duration inside Telltale, so these rules need no 'for'.\n");
        y.append("groups:\n");
        y.append("  - name: telltale\n");
        y.append("    rules:\n");
        for (Problem p : Problem.values()) {
            for (Severity s : List.of(Severity.CRITICAL, Severity.WARNING)) {
                y.append("      - alert: ").append(alertName(p, s)).append('\n');
                y.append("        expr: max by (target, detector) (").append(FINDINGS_ACTIVE)
                        .append("{problem=\"").append(p.id()).append("\", severity=\"").append(s.label())
                        .append("\"}) > 0\n");
                y.append("        labels:\n");
                y.append("          severity: ").append(s.label()).append('\n');
                y.append("          problem: ").append(p.id()).append('\n');
                y.append("          category: ").append(p.category().id()).append('\n');
                y.append("        annotations:\n");
                y.append("          summary: ").append(quote(p.title() + " (" + s.label() + ") on {{ $labels.target }}, seen by {{ $labels.detector }}")).append('\n');
                y.append("          description: ").append(quote(p.summary() + " {{ $value }} " + s.label()
                        + " finding(s) firing; their subjects and evidence are at /findings of the telltale agent, or run telltale check.")).append('\n');
                y.append("          runbook: ").append(quote("Problem " + p.id() + " (" + p.title() + "): detectors "
                        + String.join(", ", byProblem.getOrDefault(p, Set.of("none in this build")))
                        + ". Read the finding's hint and evidence; README section 'Problems and their detectors'.")).append('\n');
            }
        }
        y.append("      - alert: TelltaleDetectorNotLooking\n");
        y.append("        expr: sum by (target, detector, outcome) (rate(").append(RUNS_COUNT)
                .append("{outcome!=\"ok\"}[10m])) > 0\n");
        y.append("        for: 15m\n");
        y.append("        labels:\n");
        y.append("          severity: warning\n");
        y.append("        annotations:\n");
        y.append("          summary: ").append(quote("Telltale detector {{ $labels.detector }} on {{ $labels.target }} ends {{ $labels.outcome }}")).append('\n');
        y.append("          description: ").append(quote("The detector cannot look, so its problems go unseen. The reason is in /findings (runs) or the agent's log: a missing privilege (grant pg_monitor), a missing extension, an unreachable target or a timeout.")).append('\n');
        y.append("          runbook: ").append(quote("Run telltale check against the target to see the reason; README section 'Permissions'.")).append('\n');
        return y.toString();
    }

    static String alertName(Problem p, Severity s) {
        StringBuilder n = new StringBuilder("Telltale");
        // category and slug: performance/ and scalability/database-hotspots share a slug
        for (String word : p.id().split("[-/]")) {
            if (!word.isEmpty()) {
                n.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return n.append(s == Severity.CRITICAL ? "Critical" : "Warning").toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public static Map<Problem, Set<String>> detectorsByProblem(List<DetectorSpec> detectors) {
        Map<Problem, Set<String>> m = new TreeMap<>();
        for (DetectorSpec d : detectors) {
            for (Problem p : d.problems()) {
                m.computeIfAbsent(p, k -> new TreeSet<>()).add(d.id());
            }
        }
        return m;
    }

    /** A Grafana dashboard over the engine's meters, with a target variable. */
    public static String dashboard() {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode d = om.createObjectNode();
        d.put("title", "Telltale");
        d.put("uid", "telltale");
        d.put("description", "Findings of Telltale detectors and the health of the detectors themselves. Generated; do not edit.");
        d.putArray("tags").add("telltale").add("postgres").add("redis");
        d.put("schemaVersion", 39);
        d.put("version", 1);
        d.put("refresh", "30s");
        d.put("editable", true);
        d.putObject("time").put("from", "now-6h").put("to", "now");
        ArrayNode vars = d.putObject("templating").putArray("list");
        vars.addObject().put("name", "datasource").put("type", "datasource").put("query", "prometheus").put("label", "Data source");
        ObjectNode target = vars.addObject();
        target.put("name", "target").put("type", "query").put("label", "Target").put("includeAll", true).put("multi", true)
                .put("refresh", 2).put("query", "label_values(" + RUNS_COUNT + ", target)");
        target.putObject("datasource").put("type", "prometheus").put("uid", "${datasource}");
        target.putObject("current").put("text", "All").put("value", "$__all");
        ArrayNode panels = d.putArray("panels");
        int id = 1;
        panels.add(panel(om, id++, "stat", "Critical findings firing", 0, 0, 6, 4,
                "sum(" + FINDINGS_ACTIVE + "{severity=\"critical\", target=~\"$target\"}) or vector(0)", ""));
        panels.add(panel(om, id++, "stat", "Warning findings firing", 6, 0, 6, 4,
                "sum(" + FINDINGS_ACTIVE + "{severity=\"warning\", target=~\"$target\"}) or vector(0)", ""));
        panels.add(panel(om, id++, "stat", "Detector runs not ok (per s)", 12, 0, 6, 4,
                "sum(rate(" + RUNS_COUNT + "{outcome!=\"ok\", target=~\"$target\"}[5m])) or vector(0)", ""));
        panels.add(panel(om, id++, "stat", "Slowest detector run (s)", 18, 0, 6, 4,
                "max(" + RUNS_MAX + "{target=~\"$target\"})", ""));
        ObjectNode table = panel(om, id++, "table", "Firing findings by problem", 0, 4, 24, 8,
                "sum by (problem, severity, target, detector) (" + FINDINGS_ACTIVE + "{target=~\"$target\"}) > 0",
                "");
        ((ObjectNode) table.get("targets").get(0)).put("format", "table").put("instant", true);
        panels.add(table);
        panels.add(panel(om, id++, "timeseries", "Findings firing by problem", 0, 12, 12, 8,
                "sum by (problem) (" + FINDINGS_ACTIVE + "{target=~\"$target\"})", "{{problem}}"));
        panels.add(panel(om, id++, "timeseries", "Alert transitions", 12, 12, 12, 8,
                "sum by (state, severity) (increase(" + TRANSITIONS + "[5m]))", "{{state}} {{severity}}"));
        panels.add(panel(om, id++, "timeseries", "Detector runs by outcome (per s)", 0, 20, 12, 8,
                "sum by (detector, outcome) (rate(" + RUNS_COUNT + "{target=~\"$target\"}[5m]))", "{{detector}} {{outcome}}"));
        panels.add(panel(om, id++, "timeseries", "Mean detector run time (s)", 12, 20, 12, 8,
                "sum by (detector) (rate(" + RUNS_SUM + "{target=~\"$target\"}[5m])) / sum by (detector) (rate("
                        + RUNS_COUNT + "{target=~\"$target\"}[5m]))", "{{detector}}"));
        try {
            return om.writeValueAsString(d) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode panel(ObjectMapper om, int id, String type, String title, int x, int y, int w, int h,
                                    String expr, String legend) {
        ObjectNode p = om.createObjectNode();
        p.put("id", id).put("type", type).put("title", title);
        p.putObject("gridPos").put("x", x).put("y", y).put("w", w).put("h", h);
        p.putObject("datasource").put("type", "prometheus").put("uid", "${datasource}");
        ObjectNode t = p.putArray("targets").addObject();
        t.put("refId", "A").put("expr", expr);
        t.putObject("datasource").put("type", "prometheus").put("uid", "${datasource}");
        if (!legend.isEmpty()) {
            t.put("legendFormat", legend);
        }
        return p;
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

    /** Writes both files into {@code dir}; used by the build. */
    public static void write(Path dir, List<DetectorSpec> detectors) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(RULES_FILE), rules(detectors), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(DASHBOARD_FILE), dashboard(), StandardCharsets.UTF_8);
    }

    /** The build's entry point: {@code Monitoring <dir>}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "monitoring");
        // silent: it runs inside every build, including the README's first command
        write(dir, TargetKinds.builtIn().specs());
    }
}
