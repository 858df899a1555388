package dev.telltale.cli.internal.mixin;

import dev.telltale.cli.internal.mixin.AlertRule.Case;
import dev.telltale.cli.internal.mixin.AlertRule.Series;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The alerting rules, generated from the catalogue: one per problem and severity on the findings gauge, and
 * the alerts about Telltale itself (detectors that fail, detectors skipped, targets down, the agent down or
 * gone). No rule aggregates except the agent-absent one, so an alert carries every label of its series
 * ({@code job}, {@code instance}, {@code cluster}, ...); that one keeps the {@code --group-by} labels.
 *
 * <p>Runs that end {@code not-applicable} (a cluster check on a standalone server) are counted by no rule: by
 * design, nothing to fix.
 */
public final class AlertRules {
    public static final String FINDINGS_ACTIVE = "telltale_findings_active";
    public static final String RUNS_COUNT = "telltale_detector_runs_seconds_count";
    public static final String TARGET_UP = "telltale_target_up";

    /** Label values of the generated tests' series. */
    static final String INSTANCE = "telltale-agent:9464";
    static final String TARGET = "shop";
    private static final String ALERTS_DOC = "docs/alerts.md#";

    private AlertRules() {
    }

    public static List<AlertRule> of(List<DetectorSpec> detectors, MixinOptions o) {
        Map<Problem, Set<String>> byProblem = detectorsByProblem(detectors);
        List<AlertRule> rules = new ArrayList<>();
        for (Problem p : Problem.values()) {
            for (Severity s : List.of(Severity.CRITICAL, Severity.WARNING)) {
                rules.add(finding(p, s, byProblem.getOrDefault(p, Set.of()), o));
            }
        }
        rules.add(detectorNotLooking(o));
        rules.add(detectorSkipped(o));
        rules.add(targetDown(o));
        rules.add(agentDown(o));
        rules.add(agentAbsent(o));
        return rules;
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

    private static AlertRule finding(Problem p, Severity s, Set<String> detectors, MixinOptions o) {
        String sev = s.label();
        String detector = detectors.isEmpty() ? "none" : detectors.iterator().next();
        Map<String, String> labels = Map.of("severity", sev, "problem", p.id(), "category", p.category().id());
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", p.title() + " (" + sev + ") on {{ $labels.target }}, seen by {{ $labels.detector }}");
        annotations.put("description", p.summary() + " {{ $value }} " + sev + " finding(s) firing; their subjects, "
                + "evidence and hint are at /findings of the telltale agent, or run telltale check.");
        annotations.put("detectors", detectors.isEmpty() ? "none in this build" : String.join(", ", detectors));
        annotations.put("runbook_url", o.runbookBaseUrl() + p.runbookPath());
        Severity other = s == Severity.CRITICAL ? Severity.WARNING : Severity.CRITICAL;
        Duration at = Duration.ofMinutes(1);
        List<Case> cases = List.of(
                Case.fires("a " + sev + " finding is firing", at, findingSeries(o, p, s, detector, "1x5"), "1"),
                Case.silent("no finding is firing (the gauge is back to 0)", at, findingSeries(o, p, s, detector, "0x5")),
                Case.silent("only a " + other.label() + " finding is firing", at, findingSeries(o, p, other, detector, "1x5")));
        // Telltale holds a finding for its own 'for' before the gauge counts it, so the rule fires at once
        return new AlertRule(alertName(p, s), FINDINGS_ACTIVE + o.selector("problem=\"" + p.id() + "\"",
                "severity=\"" + sev + "\"") + " > 0", Duration.ZERO, labels, annotations, cases);
    }

    private static Series findingSeries(MixinOptions o, Problem p, Severity s, String detector, String values) {
        Map<String, String> l = base(o);
        l.put("target", TARGET);
        l.put("detector", detector);
        l.put("problem", p.id());
        l.put("severity", s.label());
        return new Series(FINDINGS_ACTIVE, l, values);
    }

    private static AlertRule detectorNotLooking(MixinOptions o) {
        String name = "TelltaleDetectorNotLooking";
        Duration hold = Duration.ofMinutes(15);
        Map<String, String> annotations = aboutTelltale(o, name,
                "Telltale detector {{ $labels.detector }} on {{ $labels.target }} ends {{ $labels.outcome }}",
                "The detector fails or times out on every run, so the problems it watches go unseen. "
                + "The reason is in runs[].reason at /findings of the agent and in its log.");
        List<Case> cases = new ArrayList<>();
        cases.add(Case.fires("runs keep failing", Duration.ofMinutes(18), runs(o, "error"), ""));
        cases.add(Case.fires("runs keep timing out", Duration.ofMinutes(18), runs(o, "timeout"), ""));
        cases.add(Case.silent("failing for less than its 'for'", hold.minusMinutes(1), runs(o, "error")));
        cases.add(Case.silent("healthy runs", Duration.ofMinutes(25), runs(o, "ok")));
        cases.add(Case.silent("a detector that does not apply to the target (not a cluster node)", Duration.ofMinutes(25),
                runs(o, "not-applicable")));
        cases.add(Case.silent("a skipped detector (TelltaleDetectorSkipped says so)", Duration.ofMinutes(25), runs(o, "skipped")));
        return new AlertRule(name, "rate(" + RUNS_COUNT + o.selector("outcome=~\"error|timeout\"") + "[10m]) > 0", hold,
                Map.of("severity", "warning"), annotations, cases);
    }

    private static AlertRule detectorSkipped(MixinOptions o) {
        String name = "TelltaleDetectorSkipped";
        Duration hold = Duration.ofHours(1);
        Map<String, String> annotations = aboutTelltale(o, name, "Telltale detector {{ $labels.detector }} on {{ $labels.target }} is skipped",
                "The detector cannot look for a reason a person can fix: a privilege to grant or an "
                + "extension to install. runs[].reason at /findings of the agent, or telltale check, says which.");
        List<Case> cases = List.of(
                Case.fires("skipped for an hour", Duration.ofMinutes(63), runs(o, "skipped"), ""),
                Case.silent("skipped for less than its 'for'", hold.minusMinutes(1), runs(o, "skipped")),
                Case.silent("a detector that does not apply to the target", Duration.ofMinutes(70), runs(o, "not-applicable")),
                Case.silent("healthy runs", Duration.ofMinutes(70), runs(o, "ok")));
        return new AlertRule(name, "rate(" + RUNS_COUNT + o.selector("outcome=\"skipped\"") + "[10m]) > 0", hold,
                Map.of("severity", "info"), annotations, cases);
    }

    /** A detector's run counter, one run a minute, for as long as every case looks. */
    private static Series runs(MixinOptions o, String outcome) {
        Map<String, String> l = base(o);
        l.put("detector", "postgres.lock-waits");
        l.put("target", TARGET);
        l.put("outcome", outcome);
        return new Series(RUNS_COUNT, l, "0+1x80");
    }

    private static AlertRule targetDown(MixinOptions o) {
        String name = "TelltaleTargetDown";
        Duration hold = Duration.ofMinutes(5);
        Map<String, String> annotations = aboutTelltale(o, name, "Telltale cannot reach {{ $labels.kind }} target {{ $labels.target }}",
                "No detector looks at the target while it does not answer. Why is in targets[].reason "
                + "at /findings and at /health/ready of the agent.");
        Map<String, String> l = base(o);
        l.put("target", TARGET);
        l.put("kind", "postgres");
        List<Case> cases = List.of(
                Case.fires("the target does not answer", hold.plusMinutes(2), new Series(TARGET_UP, l, "0x10"), ""),
                Case.silent("down for less than its 'for'", hold.minusMinutes(1), new Series(TARGET_UP, l, "0x10")),
                Case.silent("the target answers", hold.plusMinutes(2), new Series(TARGET_UP, l, "1x10")));
        return new AlertRule(name, TARGET_UP + o.selector() + " == 0", hold, Map.of("severity", "warning"), annotations, cases);
    }

    private static AlertRule agentDown(MixinOptions o) {
        String name = "TelltaleAgentDown";
        Duration hold = Duration.ofMinutes(5);
        Map<String, String> annotations = aboutTelltale(o, name, "Prometheus cannot scrape the telltale agent at {{ $labels.instance }}",
                "While the agent is not scraped no finding reaches an alert.");
        List<Case> cases = List.of(
                Case.fires("the scrape fails", hold.plusMinutes(2), new Series("up", base(o), "0x10"), ""),
                Case.silent("failing for less than its 'for'", hold.minusMinutes(1), new Series("up", base(o), "0x10")),
                Case.silent("the scrape works", hold.plusMinutes(2), new Series("up", base(o), "1x10")));
        return new AlertRule(name, "up" + o.selector() + " == 0", hold, Map.of("severity", "warning"), annotations, cases);
    }

    /**
     * No agent is scraped at all ({@code absent}); with {@code --group-by}, also a group (a cluster, a namespace)
     * whose agent was scraped within the hour and is gone now.
     */
    private static AlertRule agentAbsent(MixinOptions o) {
        String name = "TelltaleAgentAbsent";
        Duration hold = Duration.ofMinutes(10);
        Map<String, String> annotations = aboutTelltale(o, name, "No telltale agent is scraped" + (o.groupBy().isEmpty() ? ""
                : " in " + String.join(" ", o.groupBy().stream().map(g -> g + " {{ $labels." + g + " }}").toList())),
                "Prometheus has no up series for the agent: it was removed from the scrape "
                + "configuration or its service discovery, so no finding reaches an alert.");
        String expr = "absent(up" + o.selector() + ")";
        // absent() gives the selector's equality labels only
        Map<String, String> absentLabels = new LinkedHashMap<>(o.equalityLabels().orElse(Map.of()));
        Series other = new Series("telltale_build_info", base(o), "1x40");
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("no agent is scraped", List.of(other), hold.plusMinutes(2), List.of(absentLabels), ""));
        cases.add(Case.silent("gone for less than its 'for'", hold.minusMinutes(1), other));
        cases.add(Case.silent("the agent is scraped", hold.plusMinutes(2), new Series("up", base(o), "1x40")));
        if (!o.groupBy().isEmpty()) {
            String by = String.join(", ", o.groupBy());
            expr += " or (group by (" + by + ") (max_over_time(up" + o.selector() + "[1h])) unless group by (" + by
                    + ") (up" + o.selector() + "))";
            Map<String, String> gone = base(o);
            gone.put("instance", "telltale-agent-2:9464");
            o.groupBy().forEach(g -> gone.put(g, g + "-2"));
            Map<String, String> goneGroup = new LinkedHashMap<>();
            o.groupBy().forEach(g -> goneGroup.put(g, gone.get(g)));
            cases.add(new Case("one group's agent is gone while another's is scraped", List.of(
                    new Series("up", base(o), "1x40"), new Series("up", gone, "1x5")), Duration.ofMinutes(30),
                    List.of(goneGroup), ""));
        }
        return new AlertRule(name, expr, hold, Map.of("severity", "warning"), annotations, cases);
    }

    /** The annotations of an alert about Telltale itself; its runbook is its section of docs/alerts.md. */
    private static Map<String, String> aboutTelltale(MixinOptions o, String name, String summary, String description) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", summary);
        annotations.put("description", description);
        annotations.put("runbook_url", o.runbookBaseUrl() + ALERTS_DOC + name.toLowerCase(Locale.ROOT));
        return annotations;
    }

    /** The labels every test series has: the selector's, an instance, and each group-by label. */
    private static Map<String, String> base(MixinOptions o) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("instance", INSTANCE);
        l.putAll(o.equalityLabels().orElse(Map.of()));
        o.groupBy().forEach(g -> l.putIfAbsent(g, g + "-1"));
        return l;
    }

    /** The rules as a Prometheus rule file. */
    public static String yaml(List<AlertRule> rules, MixinOptions o) {
        StringBuilder y = new StringBuilder();
        y.append("# Prometheus alerting rules for Telltale, generated from the problem catalogue.\n");
        y.append("# Do not edit: the build writes this file (telltale rules prints it). Selector: ")
                .append(o.selector().isEmpty() ? "none" : o.selector()).append("; group-by: ")
                .append(o.groupBy().isEmpty() ? "none" : String.join(",", o.groupBy())).append(".\n");
        y.append("# Findings fire only after their 'for' duration inside Telltale, so their rules need no 'for'.\n");
        y.append("groups:\n");
        y.append("  - name: telltale\n");
        y.append("    rules:\n");
        for (AlertRule r : rules) {
            y.append("      - alert: ").append(r.name()).append('\n');
            y.append("        expr: ").append(Yaml.quote(r.expr())).append('\n');
            if (!r.holdFor().isZero()) {
                y.append("        for: ").append(Yaml.duration(r.holdFor())).append('\n');
            }
            y.append("        labels:\n");
            new TreeMap<>(r.labels()).forEach((k, v) -> y.append("          ").append(k).append(": ").append(Yaml.quote(v)).append('\n'));
            y.append("        annotations:\n");
            r.annotations().forEach((k, v) -> y.append("          ").append(k).append(": ").append(Yaml.quote(v)).append('\n'));
        }
        return y.toString();
    }
}
