package dev.telltale.jvm.keys.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Metwally's space-saving top-K over a fixed number of counters, as his Stream-Summary: counters with the
 * same count hang in one bucket, buckets form a list sorted by count, so an increment moves a counter to
 * the next bucket in O(1) and the minimum is the head of the first bucket. Everything lives in int and
 * long arrays allocated once: no allocation per record. Empty counters start in a bucket of count 0, so a
 * new key always takes a minimum counter: the fill phase and the replacement phase are the same code.
 * Not thread-safe: callers lock.
 */
public final class SpaceSaving {
    private static final int NONE = -1;

    private final int capacity;
    private final Object[] keys;
    private final int[] hashes;
    private final long[] counts;
    private final long[] errors;
    // counters: their bucket and their neighbours within it
    private final int[] bucketOf;
    private final int[] prev;
    private final int[] next;
    // buckets: count, first counter, neighbours in ascending count order; unused ones on a free stack
    private final long[] bucketCount;
    private final int[] bucketHead;
    private final int[] bucketPrev;
    private final int[] bucketNext;
    private final int[] free;
    private int freeTop;
    private int minBucket;
    private int maxBucket;
    // key -> counter: open addressing, linear probing, counter + 1 (0 = empty)
    private final int[] table;
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
        bucketOf = new int[capacity];
        prev = new int[capacity];
        next = new int[capacity];
        bucketCount = new long[capacity];
        bucketHead = new int[capacity];
        bucketPrev = new int[capacity];
        bucketNext = new int[capacity];
        free = new int[capacity];
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
        for (int s = 0; s < capacity; s++) {
            bucketOf[s] = 0;
            prev[s] = s - 1;
            next[s] = s + 1 < capacity ? s + 1 : NONE;
        }
        bucketCount[0] = 0;
        bucketHead[0] = 0;
        bucketPrev[0] = NONE;
        bucketNext[0] = NONE;
        freeTop = 0;
        for (int b = capacity - 1; b >= 1; b--) {
            free[freeTop++] = b;
        }
        minBucket = 0;
        maxBucket = 0;
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
        int slot = bucketHead[minBucket];
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
        int b = bucketOf[slot];
        long c = counts[slot] + 1;
        int target = bucketNext[b];
        boolean alone = bucketHead[b] == slot && next[slot] == NONE;
        if (alone && (target == NONE || bucketCount[target] != c)) {
            // the counter's bucket moves up with it; this also means a new bucket is only ever taken while
            // b keeps another counter, so buckets in use never outnumber counters
            bucketCount[b] = c;
            counts[slot] = c;
            return;
        }
        if (target == NONE || bucketCount[target] != c) {
            target = free[--freeTop];
            bucketCount[target] = c;
            bucketHead[target] = NONE;
            bucketPrev[target] = b;
            bucketNext[target] = bucketNext[b];
            if (bucketNext[b] != NONE) {
                bucketPrev[bucketNext[b]] = target;
            } else {
                maxBucket = target;
            }
            bucketNext[b] = target;
        }
        // detach from b
        if (prev[slot] != NONE) {
            next[prev[slot]] = next[slot];
        } else {
            bucketHead[b] = next[slot];
        }
        if (next[slot] != NONE) {
            prev[next[slot]] = prev[slot];
        }
        if (bucketHead[b] == NONE) { // b is empty: unlink and free it
            int bp = bucketPrev[b];
            int bn = bucketNext[b]; // never NONE: target follows b
            bucketPrev[bn] = bp;
            if (bp != NONE) {
                bucketNext[bp] = bn;
            } else {
                minBucket = bn;
            }
            free[freeTop++] = b;
        }
        // attach to target
        int head = bucketHead[target];
        prev[slot] = NONE;
        next[slot] = head;
        if (head != NONE) {
            prev[head] = slot;
        }
        bucketHead[target] = slot;
        bucketOf[slot] = target;
        counts[slot] = c;
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

    /** The {@code n} counters with the highest counts, highest first (ties in no particular order). */
    public List<Counter> top(int n) {
        List<Counter> out = new ArrayList<>(Math.min(n, capacity));
        for (int b = maxBucket; b != NONE && bucketCount[b] > 0 && out.size() < n; b = bucketPrev[b]) {
            for (int s = bucketHead[b]; s != NONE && out.size() < n; s = next[s]) {
                out.add(new Counter(keys[s], counts[s], errors[s]));
            }
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
