package dev.telltale.postgres.internal;

import java.time.Duration;
import java.util.Locale;

/** Small helpers that put numbers and SQL into the words of a finding. */
public final class Words {
    private Words() {
    }

    /** "850 ms", "42 s", "3 min 5 s", "2 h 10 min". */
    public static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
        }
        long m = s / 60;
        if (m < 48 * 60) {
            return (m / 60) + " h" + (m % 60 == 0 ? "" : " " + (m % 60) + " min");
        }
        return (m / 1440) + " days";
    }

    public static String seconds(double seconds) {
        return duration(Duration.ofMillis(Math.round(seconds * 1000)));
    }

    /** One line of SQL for evidence: whitespace collapsed, cut at {@code max} characters. */
    public static String sql(String sql, int max) {
        if (sql == null) {
            return "";
        }
        String one = sql.replaceAll("\\s+", " ").strip();
        return one.length() <= max ? one : one.substring(0, Math.max(0, max - 3)) + "...";
    }

    public static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }

    /** "1 session", "3 sessions". */
    public static String count(long n, String singular) {
        return n + " " + (n == 1 ? singular : singular + "s");
    }

    /** Rounds to 3 decimals for evidence values. */
    public static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
