package dev.telltale.cli.internal;

import dev.telltale.core.Progress;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * One line on stderr, overwritten in place, saying how far the longest runs have got
 * ({@code redis.big-keys on cache: 120,000 of 1,000,001 keys (12 %)}), and between those how long the check has
 * been sampling, so a 5 s window is not 5 s of silence. Only for a terminal: a pipe or a log file gets nothing.
 * {@link #clear()} removes it before the report is printed.
 */
public final class ProgressLine implements Progress {
    private static final long EVERY_NANOS = 100_000_000L;
    private static final int WIDTH = 100;
    private final PrintWriter err;
    private long lastNanos;
    private long lastRunNanos;
    private int shown;
    private java.util.concurrent.ScheduledExecutorService ticker;

    private ProgressLine(PrintWriter err) {
        this.err = err;
    }

    /** A progress line on {@code err} when the process runs on a terminal, else nothing. */
    public static Progress forTerminal(PrintWriter err) {
        return System.console() != null ? new ProgressLine(err) : Progress.NONE;
    }

    /**
     * Every half second, {@code <what>: 2.5 s} with the time since this call, while no run reports its own progress;
     * until {@link #clear}. Nothing when {@code progress} is not a terminal's line.
     */
    public static void tick(Progress progress, String what) {
        if (progress instanceof ProgressLine p) {
            p.startTicker(what);
        }
    }

    private synchronized void startTicker(String what) {
        long t0 = System.nanoTime();
        ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telltale-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            synchronized (this) {
                long now = System.nanoTime();
                if (lastRunNanos == 0 || now - lastRunNanos > 1_000_000_000L) {
                    show(String.format(Locale.ROOT, "%s: %.1f s", what, (now - t0) / 1e9));
                }
            }
        }, 500, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void update(String detector, String target, long done, long total, String unit) {
        long now = System.nanoTime();
        if (shown > 0 && now - lastNanos < EVERY_NANOS) {
            return;
        }
        lastNanos = now;
        lastRunNanos = now;
        String text = total > 0
                ? String.format(Locale.ROOT, "%s on %s: %,d of %,d %s (%d %%)", detector, target, done, total, unit,
                Math.min(100, done * 100 / total))
                : String.format(Locale.ROOT, "%s on %s: %,d %s", detector, target, done, unit);
        show(text);
    }

    private void show(String line) {
        String text = Redaction.message(line);
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
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
        if (shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
    }
}
