package dev.telltale.jvm.cache;

import dev.telltale.jvm.internal.cache.LoadSnapshot;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Watches the loads of one cache: how many run at once for one key, and how many start for one key within
 * one second. Wrap the loader ({@link #wrap}), or use {@link CaffeineLoads} and {@link SpringCaches}.
 * Memory is bounded: in-flight entries exist only while a load runs, and the one-second counts live in a
 * fixed table of {@value #SLOTS} slots indexed by key hash (two keys that share a slot share a count only
 * until one of them resets it). The key itself is kept only for the worst case of the current run.
 */
public final class CacheLoads {
    static final int SLOTS = 1024;
    private static final long BURST_WINDOW_NANOS = 1_000_000_000L;

    private final String cache;
    private final ConcurrentHashMap<Object, int[]> inFlight = new ConcurrentHashMap<>();
    private final LongAdder loads = new LongAdder();
    private final int[] slotHash = new int[SLOTS];
    private final long[] slotStart = new long[SLOTS];
    private final int[] slotCount = new int[SLOTS];
    private LoadSnapshot.Worst concurrent = LoadSnapshot.Worst.NONE;
    private LoadSnapshot.Worst burst = LoadSnapshot.Worst.NONE;

    CacheLoads(String cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    public String cache() {
        return cache;
    }

    /** A loader that reports each of its calls as a load of this cache. */
    public <K, V> Function<K, V> wrap(Function<K, V> loader) {
        Objects.requireNonNull(loader, "loader");
        return key -> load(key, () -> loader.apply(key));
    }

    /** Runs {@code loader} as one load of {@code key}. */
    public <V> V load(Object key, Supplier<V> loader) {
        started(key);
        try {
            return loader.get();
        } finally {
            finished(key);
        }
    }

    <V> V call(Object key, Callable<V> loader) throws Exception {
        started(key);
        try {
            return loader.call();
        } finally {
            finished(key);
        }
    }

    void started(Object key) {
        loads.increment();
        int[] n = inFlight.compute(key, (k, v) -> {
            if (v == null) {
                return new int[] {1};
            }
            v[0]++;
            return v;
        });
        int running = n[0]; // read racily after compute: a peak, not an invariant
        int h = key.hashCode() * 0x9E3779B9;
        h ^= h >>> 16;
        int slot = h & (SLOTS - 1);
        long now = System.nanoTime();
        synchronized (this) {
            if (slotHash[slot] != h || now - slotStart[slot] > BURST_WINDOW_NANOS || slotCount[slot] == 0) {
                slotHash[slot] = h;
                slotStart[slot] = now;
                slotCount[slot] = 1;
            } else {
                slotCount[slot]++;
            }
            if (running > concurrent.count()) {
                concurrent = new LoadSnapshot.Worst(key, running);
            }
            if (slotCount[slot] > burst.count()) {
                burst = new LoadSnapshot.Worst(key, slotCount[slot]);
            }
        }
    }

    void finished(Object key) {
        inFlight.computeIfPresent(key, (k, v) -> --v[0] == 0 ? null : v);
    }

    /** The worst cases since the previous call, and the loads started. */
    synchronized LoadSnapshot drain() {
        LoadSnapshot s = new LoadSnapshot(loads.sumThenReset(), concurrent, burst, inFlight.size());
        concurrent = LoadSnapshot.Worst.NONE;
        burst = LoadSnapshot.Worst.NONE;
        return s;
    }
}
