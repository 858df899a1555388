package dev.telltale.spring.internal;

import dev.telltale.core.Alert;
import dev.telltale.core.AlertState;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.core.FindingsDocument;
import dev.telltale.core.Problem;
import dev.telltale.core.Report;
import dev.telltale.core.Severity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What the engine has found, for the Actuator endpoint (the agent's {@code /findings} shape: status, targets,
 * findings worst first, the last run of every detector) and for the health contributor.
 */
public final class EngineView {
    private final DetectorEngine engine;
    private final Clock clock;
    private final UnaryOperator<String> redact;

    public EngineView(DetectorEngine engine, Clock clock, UnaryOperator<String> redact) {
        this.engine = engine;
        this.clock = clock;
        this.redact = redact;
    }

    public Map<String, Object> document() {
        List<Alert> alerts = sorted();
        Instant now = clock.instant();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("status", status(alerts).name());
        root.put("targets", engine.detectors().stream().map(d -> d.target()).distinct()
                .map(t -> Map.of("name", t, "state", "up")).toList());
        root.put("findings", alerts.stream().map(a -> FindingsDocument.finding(a.finding(), a.state() == AlertState.PENDING,
                Duration.between(a.activeSince(), now), redact,
                p -> Problem.RUNBOOK_BASE_URL + p.runbookPath())).toList());
        root.put("runs", engine.lastRuns().stream().map(r -> FindingsDocument.run(r, redact)).toList());
        return root;
    }

    /** Whether a firing finding is CRITICAL. */
    public boolean critical() {
        return engine.activeAlerts().stream()
                .anyMatch(a -> a.state() != AlertState.PENDING && a.finding().severity() == Severity.CRITICAL);
    }

    /** The health details: the status and, per firing or pending finding, its detector, subject and severity. */
    public Map<String, Object> healthDetails() {
        List<Alert> alerts = sorted();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", status(alerts).name());
        details.put("findings", alerts.stream().map(a -> {
            Finding f = a.finding();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("detector", f.detector());
            o.put("target", f.target());
            o.put("subject", redact.apply(f.subject()));
            o.put("severity", f.severity().name());
            o.put("state", a.state().label());
            return o;
        }).toList());
        return details;
    }

    private List<Alert> sorted() {
        return engine.activeAlerts().stream()
                .sorted(Comparator.comparing((Alert a) -> a.finding().severity()).reversed()
                        .thenComparing(a -> a.finding().detector()).thenComparing(a -> a.finding().subject()))
                .toList();
    }

    private Report.Status status(List<Alert> alerts) {
        List<Finding> firing = alerts.stream().filter(a -> a.state() != AlertState.PENDING).map(Alert::finding).toList();
        return new Report(Instant.EPOCH, Duration.ZERO, firing, engine.lastRuns()).status(false);
    }

}
