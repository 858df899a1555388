package dev.telltale.jvm.internal.keys;

import java.time.Duration;
import java.util.List;

/**
 * One window of counts of a {@code HotKeys}.
 *
 * @param records  every {@code record} call in the window
 * @param distinct estimated number of distinct keys (HyperLogLog, about 2 % error)
 * @param top      the most frequent keys, by guaranteed count, highest first
 */
public record KeyWindow(Duration length, long records, long distinct, List<KeyCount> top) {
    double mean() {
        return distinct == 0 ? 0 : (double) records / distinct;
    }

    /**
     * @param hits     a lower bound of the key's touches in the window
     * @param estimate the space-saving estimate, an upper bound
     */
    public record KeyCount(Object key, long hits, long estimate) {
    }

    /** A counter as the detector sees it: its name and how to close its window. */
    public record Source(String name, java.util.function.IntFunction<KeyWindow> drain) {
    }
}
