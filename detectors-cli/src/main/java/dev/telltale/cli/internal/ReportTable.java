package dev.telltale.cli.internal;

import dev.telltale.core.Finding;
import dev.telltale.core.Outcome;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.core.SettingType;
import dev.telltale.core.Severity;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report for people: a status line that says what was not looked at (targets down, detectors skipped; those
 * that do not apply to a target are counted apart, as they are by design),
 * one UNKNOWN line per target that is down, the findings worst first (pending ones marked), then a line per
 * run that did not end ok, looked at part of its subject, cut its list of findings, or left a note (a detector not
 * judged for want of a window is an INFO line, as the notes are).
 */
public final class ReportTable {
    private ReportTable() {
    }

    public static String render(Report.Status status, List<TargetStates.State> targets, List<ReportView.Row> rows,
                                List<RunRecord> runs, String context, Ansi ansi, RunbookLinks links) {
        StringBuilder out = new StringBuilder();
        long ok = runs.stream().filter(r -> r.outcome() instanceof Outcome.Ok).count();
        long skipped = runs.stream().filter(r -> r.outcome() instanceof Outcome.Skipped).count();
        long notApplicable = runs.stream().filter(r -> r.outcome() instanceof Outcome.NotApplicable).count();
        long notJudged = runs.stream().filter(r -> r.outcome() instanceof Outcome.NotJudged).count();
        List<TargetStates.State> down = targets.stream().filter(t -> !t.up()).toList();
        out.append(ansi.status(status, String.format("%-8s", status.name())))
                .append(" telltale: ")
                .append(rows.isEmpty() ? "no findings" : count(rows))
                .append("; ").append(ok).append(" of ").append(runs.size() - notApplicable - notJudged)
                .append(" detector runs ok");
        if (skipped > 0) {
            out.append("; ").append(plural(skipped, "detector")).append(" skipped");
        }
        if (notApplicable > 0) {
            out.append("; ").append(notApplicable).append(" not applicable");
        }
        if (notJudged > 0) {
            out.append("; ").append(notJudged).append(" not judged (no window)");
        }
        if (!down.isEmpty()) {
            out.append("; ").append(plural(down.size(), "target")).append(" down");
        }
        out.append(context.isEmpty() ? "" : "; " + context).append('\n');
        out.append("         targets: ");
        out.append(String.join(", ", targets.stream()
                .map(t -> t.target().kind() + " " + t.target().name() + (t.up() ? "" : " (down)")).toList())).append('\n');
        if (!down.isEmpty()) {
            out.append('\n');
        }
        for (TargetStates.State t : down) {
            out.append(ansi.status(Report.Status.UNKNOWN, String.format("%-8s", Report.Status.UNKNOWN.name())))
                    .append(' ').append(Redaction.message(t.down().orElseThrow())).append('\n');
        }
        if (!rows.isEmpty()) {
            out.append('\n');
        }
        for (ReportView.Row r : rows) {
            finding(out, r, ansi, links);
        }
        StringBuilder tail = new StringBuilder();
        for (RunRecord run : runs) {
            String where = run.detector() + " on " + run.target() + ": ";
            if (run.outcome() instanceof Outcome.NotApplicable) {
                // by design, nothing to do: one dim line so a reader knows why the detector has no result
                tail.append(ansi.dim(String.format("%-8s", "n/a") + " " + where + Redaction.message(run.outcome().reason())))
                        .append('\n');
            } else if (run.outcome() instanceof Outcome.NotJudged) {
                // not run for want of a second sample: said as the notes of the detectors that judged part are
                tail.append(ansi.severity(Severity.INFO, String.format("%-8s", Severity.INFO.name()))).append(' ')
                        .append(where).append(run.outcome().reason()).append('\n');
            } else if (!(run.outcome() instanceof Outcome.Ok)) {
                tail.append(ansi.dim(String.format("%-8s", run.outcome().kind()))).append(' ').append(where)
                        .append(Redaction.message(run.outcome().reason())).append('\n');
            }
            if (run.partial()) {
                tail.append(ansi.status(Report.Status.UNKNOWN, String.format("%-8s", "partial"))).append(' ').append(where)
                        .append(run.coverage().orElseThrow().describe()).append('\n');
            }
            if (run.truncated() > 0) {
                long listed = rows.stream().filter(r -> r.finding().detector().equals(run.detector())
                        && r.finding().target().equals(run.target())).count();
                tail.append(String.format("%-8s", "cut")).append(' ').append(where)
                        .append(String.format(Locale.ROOT, "%,d findings listed, and %,d more", listed, run.truncated()))
                        .append('\n');
            }
            for (String note : run.notes()) {
                tail.append(ansi.severity(Severity.INFO, String.format("%-8s", Severity.INFO.name()))).append(' ')
                        .append(where).append(Redaction.message(note)).append('\n');
            }
        }
        if (tail.length() > 0) {
            out.append('\n').append(tail);
        }
        return out.toString();
    }

    private static void finding(StringBuilder out, ReportView.Row r, Ansi ansi, RunbookLinks links) {
        Finding f = r.finding();
        out.append(ansi.severity(f.severity(), String.format("%-8s", f.severity().name())))
                .append(' ').append(ansi.bold(Redaction.message(f.subject())))
                .append("  [").append(f.detector()).append(" on ").append(f.target())
                .append(r.pending() ? ", pending: seen " + SettingType.DURATION.format(r.seen()) + " of its "
                        + SettingType.DURATION.format(f.holdFor()) + " 'for'" : "")
                .append("]\n");
        out.append("         ").append(Redaction.message(f.summary())).append('\n');
        out.append("         problem: ").append(f.problem().title()).append(" (").append(f.problem().id()).append(")\n");
        String evidence = evidence(f);
        if (!evidence.isEmpty()) {
            out.append("         evidence: ").append(evidence).append('\n');
        }
        if (!f.hint().isBlank()) {
            out.append("         hint: ").append(f.hint()).append('\n');
        }
        out.append("         runbook: ").append(links.of(f.problem())).append("  (telltale explain ")
                .append(f.problem().id()).append(")\n");
    }

    /** {@code 1 critical, 2 warning (1 pending)}: pending findings are counted apart, as they do not raise the status. */
    static String count(List<ReportView.Row> rows) {
        StringBuilder s = new StringBuilder();
        for (Severity sev : List.of(Severity.CRITICAL, Severity.WARNING, Severity.INFO)) {
            long n = rows.stream().filter(r -> r.finding().severity() == sev).count();
            long pending = rows.stream().filter(r -> r.finding().severity() == sev && r.pending()).count();
            if (n > 0) {
                if (s.length() > 0) {
                    s.append(", ");
                }
                s.append(n).append(' ').append(sev.label());
                if (pending > 0) {
                    s.append(" (").append(pending).append(" pending)");
                }
            }
        }
        return s.toString();
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
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
