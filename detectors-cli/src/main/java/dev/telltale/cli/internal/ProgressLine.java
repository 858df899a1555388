package dev.telltale.cli.internal;

import dev.telltale.core.Progress;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * One line on stderr, overwritten in place, saying how far the longest runs have got
 * ({@code redis.big-keys on cache: 120,000 of 1,000,001 keys (12 %)}). Only for a terminal: a pipe or a log
 * file gets nothing. {@link #clear()} removes it before the report is printed.
 */
public final class ProgressLine implements Progress {
    private static final long EVERY_NANOS = 100_000_000L;
    private static final int WIDTH = 100;
    private final PrintWriter err;
    private long lastNanos;
    private int shown;

    private ProgressLine(PrintWriter err) {
        this.err = err;
    }

    /** A progress line on {@code err} when the process runs on a terminal, else nothing. */
    public static Progress forTerminal(PrintWriter err) {
        return System.console() != null ? new ProgressLine(err) : Progress.NONE;
    }

    @Override
    public synchronized void update(String detector, String target, long done, long total, String unit) {
        long now = System.nanoTime();
        if (shown > 0 && now - lastNanos < EVERY_NANOS) {
            return;
        }
        lastNanos = now;
        String text = total > 0
                ? String.format(Locale.ROOT, "%s on %s: %,d of %,d %s (%d %%)", detector, target, done, total, unit,
                Math.min(100, done * 100 / total))
                : String.format(Locale.ROOT, "%s on %s: %,d %s", detector, target, done, unit);
        text = Redaction.message(text);
        if (text.length() > WIDTH) {
            text = text.substring(0, WIDTH);
        }
        err.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
        err.flush();
        shown = text.length();
    }

    /** Removes the line, if any, so the report starts on a clean line. */
    public static void clear(Progress progress) {
        if (progress instanceof ProgressLine p) {
            p.clear();
        }
    }

    private synchronized void clear() {
        if (shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
    }
}
