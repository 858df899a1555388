package dev.telltale.jvm.internal;

import java.time.Duration;

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
}
