package dev.telltale.cli.internal;

import dev.telltale.core.Finding;
import dev.telltale.core.Outcome;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.core.Signal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report as a monitoring plugin prints it (Nagios, Icinga, Sensu, Zabbix agents): one line,
 * {@code TELLTALE <STATUS> - <summary> | <performance data>}, the status also being the exit code (0 to 3). The
 * summary counts the firing findings and names the worst; the performance data is every signal value of the runs,
 * {@code 'target signal[tag:value,...]'=value[unit]}, in monitoring-plugin syntax (labels quoted, no {@code =} or
 * {@code '} inside).
 */
public final class NagiosLine {
    /** Monitoring systems keep the first few KB of plugin output; beyond this the performance data is cut. */
    static final int MAX_LENGTH = 8000;

    private NagiosLine() {
    }

    public static String render(Report.Status status, List<TargetStates.State> targets, List<ReportView.Row> rows,
                                List<RunRecord> runs) {
        StringBuilder line = new StringBuilder("TELLTALE ").append(status.name()).append(" - ").append(summary(targets, rows, runs));
        List<String> perf = new ArrayList<>();
        for (RunRecord run : runs) {
            for (Signal s : run.signals()) {
                if (Double.isFinite(s.value())) {
                    perf.add(label(run.target(), s) + "=" + number(s.value()) + unit(s.spec().baseUnit()));
                }
            }
        }
        if (!perf.isEmpty()) {
            line.append(" |");
            for (String p : perf) {
                if (line.length() + 1 + p.length() > MAX_LENGTH) {
                    break;
                }
                line.append(' ').append(p);
            }
        }
        return line.append('\n').toString();
    }

    private static String summary(List<TargetStates.State> targets, List<ReportView.Row> rows, List<RunRecord> runs) {
        List<String> parts = new ArrayList<>();
        List<ReportView.Row> firing = rows.stream().filter(r -> !r.pending()).toList();
        parts.add(firing.isEmpty() ? "no findings" : ReportTable.count(firing));
        long ok = runs.stream().filter(r -> r.outcome() instanceof Outcome.Ok).count();
        long notJudged = runs.stream().filter(r -> r.outcome() instanceof Outcome.NotJudged).count();
        parts.add(ok + " of " + (runs.size() - notJudged) + " detector runs ok");
        if (notJudged > 0) {
            parts.add(notJudged + " not judged (no window)");
        }
        long down = targets.stream().filter(t -> !t.up()).count();
        if (down > 0) {
            parts.add(down + " of " + targets.size() + " targets down");
        }
        String text = String.join("; ", parts);
        if (!firing.isEmpty()) {
            Finding worst = firing.get(0).finding();
            text += "; " + worst.severity().name() + " " + worst.detector() + " on " + worst.target() + ": " + worst.summary();
        }
        // one line, and '|' would start the performance data
        return Redaction.message(text).replaceAll("\\s+", " ").replace('|', '/');
    }

    private static String label(String target, Signal s) {
        StringBuilder l = new StringBuilder(target).append(' ').append(s.spec().name());
        if (!s.tagValues().isEmpty()) {
            l.append('[');
            for (int i = 0; i < s.tagValues().size(); i++) {
                l.append(i == 0 ? "" : ",").append(s.spec().tagKeys().get(i)).append(':')
                        .append(Redaction.message(s.tagValues().get(i)));
            }
            l.append(']');
        }
        return "'" + l.toString().replace("'", "").replace("=", ":").replaceAll("\\s+", " ") + "'";
    }

    /** Plain decimal, no exponent (the plugin format has none), at most 6 decimals. */
    private static String number(double v) {
        BigDecimal d = new BigDecimal(v).setScale(6, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    /** The units the plugin format knows; others carry none. */
    private static String unit(String baseUnit) {
        return switch (baseUnit == null ? "" : baseUnit.toLowerCase(Locale.ROOT)) {
            case "seconds" -> "s";
            case "milliseconds" -> "ms";
            case "bytes" -> "B";
            case "percent" -> "%";
            default -> "";
        };
    }
}
