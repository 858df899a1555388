package dev.telltale.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.core.Alert;
import dev.telltale.core.Finding;
import dev.telltale.core.Outcome;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.core.Severity;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Renders a report for people (a table) or for machines (one JSON object, the contract in docs/architecture.md section 5). */
public final class ReportView {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private ReportView() {
    }

    /** A finding with, in scheduled mode, its alert state. */
    public record Row(Finding finding, Optional<String> state) {
    }

    public static List<Row> rows(Report report) {
        return report.findings().stream().map(f -> new Row(f, Optional.empty())).toList();
    }

    public static List<Row> rows(List<Alert> alerts) {
        return alerts.stream()
                .sorted(java.util.Comparator.comparing((Alert a) -> a.finding().severity()).reversed()
                        .thenComparing(a -> a.finding().detector()).thenComparing(a -> a.finding().subject()))
                .map(a -> new Row(a.finding(), Optional.of(a.state().label()))).toList();
    }

    /** The status of a set of findings and runs, like {@link Report#status()}. */
    public static Report.Status status(List<Row> rows, List<RunRecord> runs) {
        return new Report(java.time.Instant.EPOCH, java.time.Duration.ZERO,
                rows.stream().map(Row::finding).toList(), runs).status();
    }

    public static ObjectNode json(Report.Status status, List<TargetSpec> targets, List<Row> rows, List<RunRecord> runs) {
        ObjectNode root = JSON.createObjectNode();
        root.put("status", status.name());
        ArrayNode ts = root.putArray("targets");
        for (TargetSpec t : targets) {
            ts.addObject().put("name", t.name()).put("kind", t.kind()).put("url", t.redactedUrl());
        }
        ArrayNode fs = root.putArray("findings");
        for (Row r : rows) {
            Finding f = r.finding();
            ObjectNode o = fs.addObject();
            o.put("detector", f.detector());
            o.put("problem", f.problem().id());
            o.put("severity", f.severity().name());
            o.put("target", f.target());
            o.put("subject", Redaction.message(f.subject()));
            o.put("summary", Redaction.message(f.summary()));
            ObjectNode ev = o.putObject("evidence");
            for (Map.Entry<String, Object> e : f.evidence().entrySet()) {
                Object v = e.getValue();
                if (v instanceof Number n) {
                    if (v instanceof Double || v instanceof Float) {
                        ev.put(e.getKey(), n.doubleValue());
                    } else {
                        ev.put(e.getKey(), n.longValue());
                    }
                } else if (v instanceof Boolean b) {
                    ev.put(e.getKey(), b);
                } else {
                    ev.put(e.getKey(), Redaction.message(String.valueOf(v)));
                }
            }
            o.put("hint", f.hint());
            r.state().ifPresent(s -> o.put("state", s));
        }
        ArrayNode rs = root.putArray("runs");
        for (RunRecord run : runs) {
            ObjectNode o = rs.addObject();
            o.put("detector", run.detector());
            o.put("target", run.target());
            o.put("outcome", run.outcome().kind());
            o.put("reason", Redaction.message(run.outcome().reason()));
            o.put("durationMs", run.duration().toMillis());
        }
        return root;
    }

    public static String jsonText(ObjectNode node, boolean pretty) {
        try {
            return pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) : JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The table for people: a status line, the findings worst first (subject, summary, hint, key
     * evidence), then one line per detector run that did not end ok, with its reason.
     */
    public static String table(Report.Status status, List<TargetSpec> targets, List<Row> rows, List<RunRecord> runs,
                               String context, Ansi ansi) {
        StringBuilder out = new StringBuilder();
        long ok = runs.stream().filter(r -> r.outcome() instanceof Outcome.Ok).count();
        out.append(ansi.status(status, String.format("%-8s", status.name())))
                .append(" telltale: ")
                .append(rows.isEmpty() ? "no findings" : countBySeverity(rows))
                .append("; ").append(ok).append(" of ").append(runs.size()).append(" detector runs ok")
                .append(context.isEmpty() ? "" : "; " + context).append('\n');
        out.append("         targets: ");
        out.append(String.join(", ", targets.stream().map(t -> t.kind() + " " + t.name()).toList())).append('\n');
        if (!rows.isEmpty()) {
            out.append('\n');
        }
        for (Row r : rows) {
            Finding f = r.finding();
            out.append(ansi.severity(f.severity(), String.format("%-8s", f.severity().name())))
                    .append(' ').append(ansi.bold(Redaction.message(f.subject())))
                    .append("  [").append(f.detector()).append(" on ").append(f.target())
                    .append(r.state().map(s -> ", " + s).orElse("")).append("]\n");
            out.append("         ").append(Redaction.message(f.summary())).append('\n');
            out.append("         problem: ").append(f.problem().title()).append(" (").append(f.problem().id()).append(")\n");
            String evidence = evidence(f);
            if (!evidence.isEmpty()) {
                out.append("         evidence: ").append(evidence).append('\n');
            }
            if (!f.hint().isBlank()) {
                out.append("         hint: ").append(f.hint()).append('\n');
            }
        }
        List<RunRecord> notOk = runs.stream().filter(r -> !(r.outcome() instanceof Outcome.Ok)).toList();
        if (!notOk.isEmpty()) {
            out.append('\n');
        }
        for (RunRecord run : notOk) {
            out.append(ansi.dim(String.format("%-8s", run.outcome().kind())))
                    .append(' ').append(run.detector()).append(" on ").append(run.target()).append(": ")
                    .append(Redaction.message(run.outcome().reason())).append('\n');
        }
        return out.toString();
    }

    private static String countBySeverity(List<Row> rows) {
        StringBuilder s = new StringBuilder();
        for (Severity sev : List.of(Severity.CRITICAL, Severity.WARNING, Severity.INFO)) {
            long n = rows.stream().filter(r -> r.finding().severity() == sev).count();
            if (n > 0) {
                if (s.length() > 0) {
                    s.append(", ");
                }
                s.append(n).append(' ').append(sev.label());
            }
        }
        return s.toString();
    }

    private static String evidence(Finding f) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Object> e : f.evidence().entrySet()) {
            String v = Redaction.message(String.valueOf(e.getValue())).replaceAll("\\s+", " ");
            if (v.length() > 120) {
                v = v.substring(0, 117) + "...";
            }
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(e.getKey()).append('=').append(v);
            if (s.length() > 400) {
                s.append(", ...");
                break;
            }
        }
        return s.toString();
    }
}
