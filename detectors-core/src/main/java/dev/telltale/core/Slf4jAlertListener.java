package dev.telltale.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Logs one structured line per transition to the {@code dev.telltale.alerts} logger: WARN for a WARNING
 * or CRITICAL finding firing, INFO for an INFO finding firing and for every resolution. At most
 * {@code maxLines} lines per {@code per} window, so a flapping detector cannot flood the log, with two
 * exceptions: the first time a finding fires at WARNING or CRITICAL (first firing, or a rise from INFO) is
 * always logged (a real finding is never lost behind a burst of others), and the first line dropped in a window is replaced by a notice
 * saying that lines are being dropped and until when. The first line after the window says how many
 * were dropped in all.
 */
public final class Slf4jAlertListener implements AlertListener {
    private final Logger log;
    private final Clock clock;
    private final int maxLines;
    private final Duration per;
    /** The firing findings and the worst severity each fired at. */
    private final Map<Finding.Key, Severity> firing = new HashMap<>();
    private Instant windowStart = Instant.EPOCH;
    private int linesInWindow;
    private long dropped;
    private boolean reportDropped;

    public Slf4jAlertListener() {
        this(LoggerFactory.getLogger("dev.telltale.alerts"), Clock.systemUTC(), 30, Duration.ofMinutes(1));
    }

    public Slf4jAlertListener(Logger log, Clock clock, int maxLines, Duration per) {
        if (maxLines < 1) {
            throw new IllegalArgumentException("maxLines must be 1 or more, was " + maxLines);
        }
        this.log = log;
        this.clock = clock;
        this.maxLines = maxLines;
        this.per = per;
    }

    @Override
    public void onFiring(Alert alert) {
        boolean serious = alert.finding().severity().isAtLeast(Severity.WARNING);
        boolean firstSerious;
        synchronized (this) {
            // the first WARNING+ line of a finding: its first firing, or its rise from INFO
            Severity before = firing.get(alert.finding().key());
            if (before == null || alert.finding().severity().compareTo(before) > 0) {
                firing.put(alert.finding().key(), alert.finding().severity());
            }
            firstSerious = serious && (before == null || !before.isAtLeast(Severity.WARNING));
        }
        String line = line(alert, firstSerious);
        if (line != null) {
            if (serious) {
                log.warn(line);
            } else {
                log.info(line);
            }
        }
    }

    @Override
    public void onResolved(Alert alert) {
        synchronized (this) {
            firing.remove(alert.finding().key());
        }
        String line = line(alert, false);
        if (line != null) {
            log.info(line);
        }
    }

    private synchronized String line(Alert alert, boolean exempt) {
        Instant now = clock.instant();
        if (Duration.between(windowStart, now).compareTo(per) >= 0) {
            windowStart = now;
            linesInWindow = 0;
            reportDropped = dropped > 0;
        }
        if (linesInWindow >= maxLines && !exempt) {
            if (dropped++ == 0) {
                log.warn("telltale alert-log limit: more than {} lines in {}; further lines are counted, not logged, until {}"
                        + " (the first firing of a WARNING or CRITICAL finding is always logged)",
                        maxLines, per, windowStart.plus(per));
            }
            return null;
        }
        linesInWindow++;
        String text = format(alert);
        if (reportDropped) {
            text += " dropped=" + dropped;
            dropped = 0;
            reportDropped = false;
        }
        return text;
    }

    /** {@code key=value} pairs; values with spaces are quoted, so log pipelines can parse the line. */
    static String format(Alert alert) {
        Finding f = alert.finding();
        StringBuilder sb = new StringBuilder("telltale alert ").append(alert.state().name());
        kv(sb, "detector", f.detector());
        kv(sb, "target", f.target());
        kv(sb, "problem", f.problem().id());
        kv(sb, "severity", f.severity().name());
        kv(sb, "subject", f.subject());
        kv(sb, "summary", f.summary());
        for (Map.Entry<String, Object> e : f.evidence().entrySet()) {
            kv(sb, e.getKey(), String.valueOf(e.getValue()));
        }
        if (!f.hint().isEmpty() && alert.state() == AlertState.FIRING) {
            kv(sb, "hint", f.hint());
        }
        return sb.toString();
    }

    private static void kv(StringBuilder sb, String key, String value) {
        sb.append(' ').append(key).append('=');
        String v = value.replace("\n", " ");
        if (v.isEmpty() || v.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=')) {
            sb.append('"').append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        } else {
            sb.append(v);
        }
    }
}
