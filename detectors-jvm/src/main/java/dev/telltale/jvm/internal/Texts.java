package dev.telltale.jvm.internal;

import java.time.Duration;
import java.util.Locale;

/** How values the application hands us (cache keys, durations) are written into finding subjects and evidence. */
public final class Texts {
    private Texts() {
    }

    /** A key as text, cut to 120 characters: keys are the application's and may be any length. */
    public static String key(Object key) {
        String s = String.valueOf(key);
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    /** Milliseconds below ten seconds, whole seconds above: {@code 250ms}, {@code 30s}. */
    public static String duration(Duration d) {
        return d.toMillis() >= 10_000 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /**
     * An elapsed time for a summary, rounded to what a reader needs: {@code 0.4 ms}, {@code 2.5 ms}, {@code 106 ms},
     * {@code 1.2 s}, {@code 42 s}, {@code 3 min 5 s}; never a raw double such as {@code 0.10643999999999999 s}.
     */
    public static String elapsed(long nanos) {
        if (nanos < 10_000_000L) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        if (nanos < 1_000_000_000L) {
            return Math.round(nanos / 1e6) + " ms";
        }
        if (nanos < 10_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        }
        long seconds = Math.round(nanos / 1e9);
        return seconds < 60 ? seconds + " s" : seconds / 60 + " min " + seconds % 60 + " s";
    }

    /** Seconds with one decimal, for evidence: {@code 0.1}, {@code 12.3}. */
    public static double seconds(long nanos) {
        return Math.round(nanos / 100_000_000.0) / 10.0;
    }
}
