package dev.telltale.postgres.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.Setting;

/**
 * What a run did not say, said: a list cut at a cap reaches the run as {@code truncated} ("and N more") with
 * a note naming the setting that set the cap, and a verdict a default withheld is a note naming the setting
 * (key and value) that would lower it, so a person knows the findings are not the whole story.
 */
public final class Notes {
    private Notes() {
    }

    /**
     * Records that {@code cut} items of a capped list were left out (nothing when 0 or less).
     *
     * @param shown how many were listed
     * @param what  what the list holds, in the plural ("redundant, unused or invalid indexes")
     */
    public static <T> void truncated(Detection.Builder out, String detectorId, Setting<T> cap, T value, long shown,
                                     long cut, String what) {
        if (cut <= 0) {
            return;
        }
        out.truncated(cut);
        out.note(String.format("%,d %s listed and %,d more left out: %s caps the list", shown, what, cut,
                setting(detectorId, cap, value)));
    }

    /** {@code postgres.indexes.unused.min-stats-age = 7d}: a setting's full key and the value in force. */
    public static <T> String setting(String detectorId, Setting<T> setting, T value) {
        return detectorId + "." + setting.name() + " = " + setting.type().format(value);
    }
}
