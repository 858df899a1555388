package dev.telltale.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Logs one structured line per transition to the {@code dev.telltale.alerts} logger: WARN for firing,
 * INFO for resolved. At most {@code maxLines} lines per {@code per} window, so a flapping detector cannot
 * flood the log; the first line after a quiet spell says how many were dropped.
 */
public final class Slf4jAlertListener implements AlertListener {
    private final Logger log;
    private final Clock clock;
    private final int maxLines;
    private final Duration per;
    private Instant windowStart = Instant.EPOCH;
    private int linesInWindow;
    private long dropped;

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
        String line = line(alert);
        if (line != null) {
            log.warn(line);
        }
    }

    @Override
    public void onResolved(Alert alert) {
        String line = line(alert);
        if (line != null) {
            log.info(line);
        }
    }

    private synchronized String line(Alert alert) {
        Instant now = clock.instant();
        if (Duration.between(windowStart, now).compareTo(per) >= 0) {
            windowStart = now;
            linesInWindow = 0;
        }
        if (linesInWindow >= maxLines) {
            dropped++;
            return null;
        }
        linesInWindow++;
        String text = format(alert);
        if (dropped > 0) {
            text += " dropped=" + dropped;
            dropped = 0;
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
