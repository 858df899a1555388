package dev.telltale.jvm.requests.internal;

/**
 * Recently used idempotency keys in fixed memory: each key is kept as a 64-bit fingerprint (two different
 * keys share one with a probability of about n / 2^64, some 5e-15 for 100,000 keys) in an open-addressing
 * table with linear probing, next to its start time and in-flight count; a ring of fingerprints in
 * insertion order evicts the oldest once {@code capacity} keys are held. Every array is allocated up
 * front, nothing is allocated per use, and the keys themselves are not retained. Not thread-safe: callers
 * lock.
 */
public final class KeyTable {
    /** What {@link #begin} found. */
    public static final int FIRST = 0;
    public static final int CONCURRENT = 1;
    public static final int REPLAY = 2;

    private final int capacity;
    private final long[] fingerprints; // 0 = empty
    private final long[] started;
    private final int[] inFlight;
    private final int mask;
    private final long[] ring;
    private int ringHead;
    private int size;

    public KeyTable(int capacity) {
        this.capacity = capacity;
        int tableSize = Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1;
        fingerprints = new long[tableSize];
        started = new long[tableSize];
        inFlight = new int[tableSize];
        mask = tableSize - 1;
        ring = new long[capacity];
    }

    /** A 64-bit fingerprint of the key's characters, never 0. */
    public static long fingerprint(CharSequence key) {
        long h = 0xcbf29ce484222325L ^ key.length();
        for (int i = 0, n = key.length(); i < n; i++) {
            h = (h ^ key.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }

    /** Starts a use of the key with fingerprint {@code fp} at {@code now}; a use older than {@code ttl} counts as new. */
    public int begin(long fp, long now, long ttlNanos) {
        int i = index(fp);
        for (long f; (f = fingerprints[i]) != 0; i = (i + 1) & mask) {
            if (f == fp) {
                if (inFlight[i] > 0) {
                    inFlight[i]++;
                    return CONCURRENT;
                }
                boolean expired = now - started[i] > ttlNanos;
                started[i] = expired ? now : started[i];
                inFlight[i] = 1;
                return expired ? FIRST : REPLAY;
            }
        }
        if (size == capacity) {
            evictOldest();
            i = index(fp);
            while (fingerprints[i] != 0) {
                i = (i + 1) & mask;
            }
        } else {
            size++;
        }
        fingerprints[i] = fp;
        started[i] = now;
        inFlight[i] = 1;
        ring[(ringHead + size - 1) % capacity] = fp;
        return FIRST;
    }

    /** Ends a use; a key evicted meanwhile is ignored. */
    public void end(long fp) {
        int i = index(fp);
        for (long f; (f = fingerprints[i]) != 0; i = (i + 1) & mask) {
            if (f == fp) {
                if (inFlight[i] > 0) {
                    inFlight[i]--;
                }
                return;
            }
        }
    }

    public int size() {
        return size;
    }

    private int index(long fp) {
        return (int) (fp ^ (fp >>> 32)) & mask;
    }

    private void evictOldest() {
        long fp = ring[ringHead];
        ringHead = (ringHead + 1) % capacity;
        int i = index(fp);
        while (fingerprints[i] != fp) {
            i = (i + 1) & mask;
        }
        // backward-shift deletion keeps probe chains intact without tombstones
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            long f = fingerprints[j];
            if (f == 0) {
                break;
            }
            int home = index(f);
            boolean stay = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!stay) {
                fingerprints[i] = f;
                started[i] = started[j];
                inFlight[i] = inFlight[j];
                i = j;
            }
        }
        fingerprints[i] = 0;
        inFlight[i] = 0;
    }
}
