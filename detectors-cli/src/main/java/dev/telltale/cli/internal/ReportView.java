package dev.telltale.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.core.Alert;
import dev.telltale.core.AlertState;
import dev.telltale.core.Finding;
import dev.telltale.core.FindingsDocument;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A report's rows and status, and its JSON for machines (the contract in docs/architecture.md section 5); {@link ReportTable} renders it for people. */
public final class ReportView {
    /** Built on first use: a table report, the common case, needs no Jackson (a few hundred classes at start-up). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    private ReportView() {
    }

    /**
     * A finding and its state: {@code pending} while it has not held for its {@code for} ({@link Finding#holdFor()}),
     * which does not raise the status, else {@code firing}.
     *
     * @param seen how long it was seen (one-shot: between the two passes; agent: since it became active)
     */
    public record Row(Finding finding, boolean pending, Duration seen) {
        public String state() {
            return pending ? AlertState.PENDING.label() : AlertState.FIRING.label();
        }
    }

    /** The rows of a one-shot report, pending as {@link Report#pending} says. */
    public static List<Row> rows(Report report) {
        return report.findings().stream().map(f -> new Row(f, report.pending(f), report.seenFor(f))).toList();
    }

    /** The rows of the agent's active alerts, worst first. */
    public static List<Row> rows(List<Alert> alerts, Instant now) {
        return alerts.stream()
                .sorted(Comparator.comparing((Alert a) -> a.finding().severity()).reversed()
                        .thenComparing(a -> a.finding().detector()).thenComparing(a -> a.finding().subject()))
                .map(a -> new Row(a.finding(), a.state() == AlertState.PENDING, Duration.between(a.activeSince(), now)))
                .toList();
    }

    /** Every target as up: for reports over targets that were not probed (the demo's own servers). */
    public static List<TargetStates.State> allUp(List<TargetSpec> targets) {
        return targets.stream().map(t -> new TargetStates.State(t, Optional.empty())).toList();
    }

    /**
     * The status of a report: {@link Report#status(boolean)} over the firing rows and the runs (CRITICAL, else
     * UNKNOWN for a run that failed, timed out or looked at part of its subject, and with {@code strict} one
     * that was skipped, else WARNING, else OK), and UNKNOWN rather than WARNING or OK when a target is down.
     */
    public static Report.Status status(List<Row> rows, List<RunRecord> runs, List<TargetStates.State> targets,
                                       boolean strict) {
        Report.Status s = new Report(Instant.EPOCH, Duration.ZERO,
                rows.stream().filter(r -> !r.pending()).map(Row::finding).toList(), runs).status(strict);
        boolean down = targets.stream().anyMatch(t -> !t.up());
        return s != Report.Status.CRITICAL && down ? Report.Status.UNKNOWN : s;
    }

    public static ObjectNode json(Report.Status status, List<TargetStates.State> targets, List<Row> rows,
                                  List<RunRecord> runs, RunbookLinks links) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("status", status.name());
        ArrayNode ts = root.putArray("targets");
        for (TargetStates.State st : targets) {
            TargetSpec t = st.target();
            ObjectNode o = ts.addObject().put("name", t.name()).put("kind", t.kind()).put("url", t.redactedUrl())
                    .put("state", st.label());
            st.down().ifPresent(reason -> o.put("reason", Redaction.message(reason)));
        }
        ArrayNode fs = root.putArray("findings");
        for (Row r : rows) {
            fs.add(Json.MAPPER.valueToTree(FindingsDocument.finding(r.finding(), r.pending(), r.seen(), Redaction::message, links::of)));
        }
        ArrayNode rs = root.putArray("runs");
        for (RunRecord run : runs) {
            rs.add(Json.MAPPER.valueToTree(FindingsDocument.run(run, Redaction::message)));
        }
        return root;
    }

    public static String jsonText(ObjectNode node, boolean pretty) {
        try {
            return pretty ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) : Json.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
