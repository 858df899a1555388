package dev.telltale.postgres.integrity.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a scan in ranges of an ordered key stands, kept between runs (the engine never runs one detector twice at
 * once): the key the next range starts after, the result of each range of the pass by index, and the passes done.
 * A run scans at least one range, then more while its time budget and {@code rangesPerRun} allow, and stops at the
 * end of the table; the next pass then starts over, forgetting ranges of the previous pass beyond the last one.
 *
 * @param <R> what one range found
 */
final class RangeScan<R> {
    private final TreeMap<Integer, R> results = new TreeMap<>();
    private Optional<String> cursor = Optional.empty();
    private int index;
    private long passes;
    // the current run
    private long start;
    private long deadline;
    private int rangesPerRun;
    private int ranges;
    private boolean passDone;

    /** Starts a run of at most {@code budget}, and of at most {@code rangesPerRun} ranges (0: no limit). */
    void start(Duration budget, int rangesPerRun) {
        start = System.nanoTime();
        deadline = start + budget.toNanos();
        this.rangesPerRun = rangesPerRun;
        ranges = 0;
        passDone = false;
    }

    /** Whether the run scans another range. */
    boolean more() {
        return !passDone && (ranges == 0
                || (System.nanoTime() < deadline && (rangesPerRun == 0 || ranges < rangesPerRun)));
    }

    /** The key the next range starts after; empty at the start of the table. */
    Optional<String> lo() {
        return cursor;
    }

    /** The time left for the next range's queries: at least a second, so the first range of a run can finish. */
    Duration left() {
        return Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000_000L));
    }

    /** What the range being scanned found, in place of what it found on the previous pass. */
    void found(R result) {
        results.put(index, result);
    }

    /** The range being scanned is done; it ended at {@code hi}, empty at the end of the table. */
    void done(Optional<String> hi) {
        ranges++;
        if (hi.isPresent()) {
            cursor = hi;
            index++;
        } else {
            results.tailMap(index, false).clear();
            cursor = Optional.empty();
            index = 0;
            passes++;
            passDone = true;
        }
    }

    /** What each range of the pass found, the latest result of each. */
    Collection<R> results() {
        return results.values();
    }

    int ranges() {
        return ranges;
    }

    long passes() {
        return passes;
    }

    /** Nanoseconds since the run started. */
    long elapsedNanos() {
        return System.nanoTime() - start;
    }
}
