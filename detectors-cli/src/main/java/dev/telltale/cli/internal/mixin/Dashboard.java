package dev.telltale.cli.internal.mixin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.SignalSpec;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Grafana dashboard, generated from the detectors' specs: an overview row (findings, the table of what is
 * firing with a link to each problem's runbook, targets down, detector outcomes and run times), then one
 * collapsed row per area ({@code postgres}, {@code redis}, {@code jvm}, ...) with a panel per declared signal in
 * its declared unit. Every query filters on the job, instance and target variables (and the {@code --group-by}
 * labels, each a variable too) and rates use {@code $__rate_interval}.
 */
public final class Dashboard {
    static final String DATASOURCE = "${datasource}";
    private static final PrometheusNamingConvention NAMES = new PrometheusNamingConvention();
    private static final int WIDTH = 8;
    private static final int HEIGHT = 7;

    private final ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final MixinOptions options;
    private int nextId = 1;
    private int y;

    private Dashboard(MixinOptions options) {
        this.options = options;
    }

    public static String json(List<DetectorSpec> detectors, MixinOptions options) {
        return new Dashboard(options).render(detectors);
    }

    /** The Prometheus name of a signal's gauge, as Micrometer's Prometheus registry writes it. */
    public static String prometheusName(SignalSpec s) {
        return NAMES.name(s.meterName(), Meter.Type.GAUGE, s.baseUnit());
    }

    /** A Grafana unit for a signal's base unit: a known one where Grafana has it, else the unit as a suffix. */
    static String grafanaUnit(String baseUnit) {
        return switch (baseUnit) {
            case "seconds" -> "s";
            case "bytes" -> "bytes";
            case "ratio" -> "percentunit";
            case "boolean", "flag" -> "bool";
            case "ops/s" -> "ops";
            default -> "suffix: " + baseUnit;
        };
    }

    private String render(List<DetectorSpec> detectors) {
        ObjectNode d = om.createObjectNode();
        d.put("title", "Telltale");
        d.put("uid", "telltale");
        d.put("description", "Findings of Telltale detectors, the signals they read, and the health of the detectors "
                + "themselves. Generated from the detectors' specs; do not edit.");
        d.putArray("tags").add("telltale").add("postgres").add("redis").add("jvm");
        d.put("schemaVersion", 39);
        d.put("version", 1);
        d.put("refresh", "30s");
        d.put("editable", true);
        d.putObject("time").put("from", "now-6h").put("to", "now");
        // Grafana's published dashboard model (@grafana/schema, checked by monitoring/check-dashboard.sh) marks every
        // field of a link required, as Grafana itself writes them; "doc" is one of the icons its link editor offers.
        ObjectNode runbooks = d.putArray("links").addObject().put("title", "Runbooks").put("type", "link")
                .put("url", options.runbookBaseUrl() + "docs/runbooks/").put("tooltip", "").put("icon", "doc")
                .put("targetBlank", true).put("asDropdown", false).put("includeVars", false).put("keepTime", false);
        runbooks.putArray("tags");
        variables(d.putObject("templating").putArray("list"));
        ArrayNode panels = d.putArray("panels");
        overview(panels);
        for (Map.Entry<String, List<SignalSpec>> area : signalsByArea(detectors).entrySet()) {
            ObjectNode row = row(panels, area.getKey(), true);
            ArrayNode inner = row.putArray("panels");
            int i = 0;
            for (SignalSpec s : area.getValue()) {
                ObjectNode p = panel(inner, "timeseries", s.name(), s.description(), grafanaUnit(s.baseUnit()),
                        (i % 3) * WIDTH, y + (i / 3) * HEIGHT, WIDTH, HEIGHT);
                StringBuilder legend = new StringBuilder("{{target}}");
                s.tagKeys().forEach(k -> legend.append(" {{").append(k).append("}}"));
                target(p, prometheusName(s) + "{" + filter(true) + "}", legend.toString());
                i++;
            }
        }
        try {
            return om.writeValueAsString(d) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Areas in the order of the specs; an area is the first word of a detector id. */
    static Map<String, List<SignalSpec>> signalsByArea(List<DetectorSpec> detectors) {
        Map<String, List<SignalSpec>> areas = new LinkedHashMap<>();
        for (DetectorSpec spec : detectors) {
            String area = spec.id().substring(0, spec.id().indexOf('.'));
            List<SignalSpec> list = areas.computeIfAbsent(area, a -> new ArrayList<>());
            spec.signals().stream().filter(s -> list.stream().noneMatch(x -> x.name().equals(s.name()))).forEach(list::add);
        }
        areas.values().removeIf(List::isEmpty);
        return areas;
    }

    private void variables(ArrayNode vars) {
        vars.addObject().put("name", "datasource").put("type", "datasource").put("query", "prometheus").put("label", "Data source");
        List<String> chain = new ArrayList<>(options.groupBy());
        chain.addAll(List.of("job", "instance", "target"));
        List<String> before = new ArrayList<>();
        for (String label : chain) {
            ObjectNode v = vars.addObject();
            String scope = before.stream().map(b -> b + "=~\"$" + b + "\"").reduce((a, b) -> a + ", " + b).orElse("");
            v.put("name", label).put("type", "query").put("label", Character.toUpperCase(label.charAt(0)) + label.substring(1))
                    .put("includeAll", true).put("multi", true).put("allValue", ".*").put("refresh", 2)
                    .put("query", "label_values(" + AlertRules.RUNS_COUNT + (scope.isEmpty() ? "" : "{" + scope + "}") + ", " + label + ")");
            v.putObject("datasource").put("type", "prometheus").put("uid", DATASOURCE);
            v.putObject("current").put("text", "All").put("value", "$__all");
            before.add(label);
        }
    }

    /** The matchers of the variables: group-by labels, job, instance and, when the series has it, target. */
    private String filter(boolean withTarget) {
        List<String> m = new ArrayList<>();
        options.groupBy().forEach(g -> m.add(g + "=~\"$" + g + "\""));
        m.add("job=~\"$job\"");
        m.add("instance=~\"$instance\"");
        if (withTarget) {
            m.add("target=~\"$target\"");
        }
        return String.join(", ", m);
    }

    private void overview(ArrayNode panels) {
        row(panels, "Overview", false);
        String f = filter(true);
        String runs = AlertRules.RUNS_COUNT;
        String findings = AlertRules.FINDINGS_ACTIVE;
        target(panel(panels, "stat", "Critical findings firing", "Findings of CRITICAL severity firing now.", "short", 0, y, 6, 4),
                "sum(" + findings + "{severity=\"critical\", " + f + "}) or vector(0)", "");
        target(panel(panels, "stat", "Warning findings firing", "Findings of WARNING severity firing now.", "short", 6, y, 6, 4),
                "sum(" + findings + "{severity=\"warning\", " + f + "}) or vector(0)", "");
        target(panel(panels, "stat", "Targets down", "Targets the agent cannot reach; no detector looks at them.", "short", 12, y, 6, 4),
                "count(" + AlertRules.TARGET_UP + "{" + f + "} == 0) or vector(0)", "");
        target(panel(panels, "stat", "Detector runs failing", "Runs ending error or timeout; not-applicable runs are by design "
                        + "and not counted.", "ops", 18, y, 6, 4),
                "sum(rate(" + runs + "{outcome=~\"error|timeout\", " + f + "}[$__rate_interval])) or vector(0)", "");
        y += 4;
        ObjectNode table = panel(panels, "table", "Firing findings", "What is firing, by problem; the problem links to its "
                + "runbook. Subjects, evidence and hints are at /findings of the agent.", "short", 0, y, 24, 8);
        ObjectNode t = target(table, "sum by (problem, severity, target, detector) (" + findings + "{" + f + "}) > 0", "");
        t.put("format", "table").put("instant", true);
        ObjectNode problem = ((ArrayNode) table.get("fieldConfig").get("overrides")).addObject();
        problem.putObject("matcher").put("id", "byName").put("options", "problem");
        ObjectNode links = problem.putArray("properties").addObject().put("id", "links");
        links.putArray("value").addObject().put("title", "Runbook for ${__value.raw}").put("targetBlank", true)
                .put("url", options.runbookBaseUrl() + "docs/runbooks/${__value.raw}.md");
        y += 8;
        target(panel(panels, "timeseries", "Findings firing by problem", "", "short", 0, y, 12, 8),
                "sum by (problem) (" + findings + "{" + f + "})", "{{problem}}");
        target(panel(panels, "timeseries", "Alert transitions", "Findings becoming pending, firing and resolved.", "short", 12, y, 12, 8),
                "sum by (state, severity) (increase(" + "telltale_finding_transitions_total{" + filter(false)
                        + "}[$__rate_interval]))", "{{state}} {{severity}}");
        y += 8;
        target(panel(panels, "timeseries", "Detector runs by outcome", "ok, error, timeout, skipped (a privilege or extension "
                        + "to add) and not-applicable (by design).", "ops", 0, y, 12, 8),
                "sum by (detector, outcome) (rate(" + runs + "{" + f + "}[$__rate_interval]))", "{{detector}} {{outcome}}");
        target(panel(panels, "timeseries", "Mean detector run time", "", "s", 12, y, 12, 8),
                "sum by (detector) (rate(telltale_detector_runs_seconds_sum{" + f + "}[$__rate_interval])) / sum by (detector) (rate("
                        + runs + "{" + f + "}[$__rate_interval]))", "{{detector}}");
        y += 8;
        target(panel(panels, "timeseries", "Mean queue time per run", "Time a target's runs waited for a worker or for the "
                        + "target's connection, apart from their run time: a target whose detectors do not fit its intervals.",
                        "s", 0, y, 12, 8),
                "sum by (target) (rate(telltale_detector_queued_seconds_sum{" + f + "}[$__rate_interval])) / sum by (target) "
                        + "(rate(telltale_detector_queued_seconds_count{" + f + "}[$__rate_interval]))", "{{target}}");
        y += 8;
    }

    private ObjectNode row(ArrayNode panels, String title, boolean collapsed) {
        ObjectNode r = panels.addObject();
        r.put("id", nextId++).put("type", "row").put("title", title).put("collapsed", collapsed);
        r.putObject("gridPos").put("x", 0).put("y", y).put("w", 24).put("h", 1);
        y += 1;
        return r;
    }

    private ObjectNode panel(ArrayNode panels, String type, String title, String description, String unit,
                             int x, int py, int w, int h) {
        ObjectNode p = panels.addObject();
        p.put("id", nextId++).put("type", type).put("title", title);
        if (!description.isEmpty()) {
            p.put("description", description);
        }
        p.putObject("gridPos").put("x", x).put("y", py).put("w", w).put("h", h);
        p.putObject("datasource").put("type", "prometheus").put("uid", DATASOURCE);
        ObjectNode fc = p.putObject("fieldConfig");
        fc.putObject("defaults").put("unit", unit);
        fc.putArray("overrides");
        p.putArray("targets");
        return p;
    }

    private ObjectNode target(ObjectNode panel, String expr, String legend) {
        ObjectNode t = ((ArrayNode) panel.get("targets")).addObject();
        t.put("refId", "A").put("expr", expr);
        t.putObject("datasource").put("type", "prometheus").put("uid", DATASOURCE);
        if (!legend.isEmpty()) {
            t.put("legendFormat", legend);
        }
        return t;
    }
}
