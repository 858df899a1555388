package dev.telltale.jvm.keys.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Metwally's space-saving top-K over a fixed number of counters, with no allocation per record.
 * Counters live in arrays; {@code order} keeps them sorted by count (ascending) so the minimum is
 * {@code order[0]} and an increment moves a counter past the others of its count with one binary search
 * and one swap. Empty counters have count 0, so a new key always takes the minimum counter: the fill
 * phase and the replacement phase are the same code. Not thread-safe: callers lock.
 */
public final class SpaceSaving {
    private final int capacity;
    private final Object[] keys;
    private final int[] hashes;
    private final long[] counts;
    private final long[] errors;
    private final int[] order;
    private final int[] pos;
    private final int[] table; // slot + 1, 0 = empty; linear probing
    private final int mask;
    private long total;

    public SpaceSaving(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        keys = new Object[capacity];
        hashes = new int[capacity];
        counts = new long[capacity];
        errors = new long[capacity];
        order = new int[capacity];
        pos = new int[capacity];
        int tableSize = Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1;
        table = new int[tableSize];
        mask = tableSize - 1;
        clear();
    }

    public void clear() {
        Arrays.fill(keys, null);
        Arrays.fill(counts, 0);
        Arrays.fill(errors, 0);
        Arrays.fill(table, 0);
        for (int i = 0; i < capacity; i++) {
            order[i] = i;
            pos[i] = i;
        }
        total = 0;
    }

    /** Counts one occurrence of {@code key}, whose well-mixed hash is {@code hash}. */
    public void add(Object key, int hash) {
        total++;
        int i = hash & mask;
        for (int t; (t = table[i]) != 0; i = (i + 1) & mask) {
            int slot = t - 1;
            if (hashes[slot] == hash && key.equals(keys[slot])) {
                increment(slot);
                return;
            }
        }
        int slot = order[0];
        if (keys[slot] != null) {
            remove(slot);
            i = hash & mask;
            while (table[i] != 0) {
                i = (i + 1) & mask;
            }
        }
        keys[slot] = key;
        hashes[slot] = hash;
        errors[slot] = counts[slot];
        table[i] = slot + 1;
        increment(slot);
    }

    private void increment(int slot) {
        long c = counts[slot];
        int lo = pos[slot];
        int hi = capacity - 1;
        while (lo < hi) { // last position whose count is still c
            int mid = (lo + hi + 1) >>> 1;
            if (counts[order[mid]] <= c) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int p = pos[slot];
        if (lo != p) {
            int other = order[lo];
            order[lo] = slot;
            pos[slot] = lo;
            order[p] = other;
            pos[other] = p;
        }
        counts[slot] = c + 1;
    }

    /** Backward-shift deletion keeps probing chains intact without tombstones. */
    private void remove(int slot) {
        int i = hashes[slot] & mask;
        while (table[i] != slot + 1) {
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int t = table[j];
            if (t == 0) {
                break;
            }
            int home = hashes[t - 1] & mask;
            // move t back to i unless its home lies cyclically in (i, j]
            boolean stay = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!stay) {
                table[i] = t;
                i = j;
            }
        }
        table[i] = 0;
        keys[slot] = null;
    }

    public long total() {
        return total;
    }

    public int capacity() {
        return capacity;
    }

    /** The {@code n} counters with the highest counts, highest first. */
    public List<Counter> top(int n) {
        List<Counter> out = new ArrayList<>(Math.min(n, capacity));
        for (int p = capacity - 1; p >= 0 && out.size() < n; p--) {
            int slot = order[p];
            if (keys[slot] == null) {
                break;
            }
            out.add(new Counter(keys[slot], counts[slot], errors[slot]));
        }
        return out;
    }

    /**
     * One monitored key: {@code count} over-estimates its true frequency by at most {@code error}, so
     * {@code count - error} is a guaranteed lower bound.
     */
    public record Counter(Object key, long count, long error) {
        public long guaranteed() {
            return count - error;
        }
    }
}
