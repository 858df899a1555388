package dev.telltale.jvm.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Turns a cumulative counter into "how many in the last window", from the snapshots a detector takes
 * at each run. Keeps one snapshot per run inside the window, so its size is window / interval.
 */
public final class WindowedCounter {
    private record Snapshot(Instant at, long value) {
    }

    private final ArrayDeque<Snapshot> snapshots = new ArrayDeque<>();

    /** Adds the current cumulative value and returns the increase over {@code window}. */
    public synchronized long update(Instant now, long cumulative, Duration window) {
        snapshots.addLast(new Snapshot(now, cumulative));
        Instant cutoff = now.minus(window);
        while (snapshots.size() > 1 && snapshots.peekFirst().at().isBefore(cutoff)) {
            snapshots.pollFirst();
        }
        while (snapshots.size() > 4096) {
            snapshots.pollFirst();
        }
        return cumulative - snapshots.peekFirst().value();
    }

    /** A counter that counts from zero at {@code from}: events before its first update are in its first window. */
    public static WindowedCounter startingAt(Instant from) {
        WindowedCounter c = new WindowedCounter();
        c.seed(from, 0);
        return c;
    }

    /** The first snapshot taken counts from zero: a counter that had events before the first run reports them. */
    public synchronized void seed(Instant now, long value) {
        if (snapshots.isEmpty()) {
            snapshots.addLast(new Snapshot(now, value));
        }
    }
}
