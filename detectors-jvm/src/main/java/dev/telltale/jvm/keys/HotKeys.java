package dev.telltale.jvm.keys;

import dev.telltale.jvm.internal.keys.KeyWindow;
import dev.telltale.jvm.keys.internal.HyperLogLog;
import dev.telltale.jvm.keys.internal.SpaceSaving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Counts the keys an application touches (partition keys, cache keys, Redis keys, tenant ids) in fixed
 * memory: a space-saving top-K split into stripes by key hash, so each key is counted exactly within
 * its stripe and threads rarely meet, plus a HyperLogLog of distinct keys. Memory does not grow with the
 * number of distinct keys. The detector of {@link KeysDetectors#hotKeys} reads and resets it once per window.
 *
 * <pre>{@code
 * HotKeys keys = HotKeys.builder("redis").capacity(1024).build();
 * keys.record("user:42:cart");
 * }</pre>
 */
public final class HotKeys {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private final String name;
    private final Stripe[] stripes;
    private final int stripeMask;
    private final int capacity;
    private final Object drainLock = new Object();
    private long windowStartNanos = System.nanoTime();

    private HotKeys(String name, int capacity, int stripeCount) {
        this.name = name;
        this.capacity = capacity;
        this.stripes = new Stripe[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new Stripe(Math.max(1, capacity / stripeCount));
        }
        this.stripeMask = stripeCount - 1;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The name of this counter, the {@code source} tag of its signals. */
    public String name() {
        return name;
    }

    /** Counters kept in total; the top-K is exact for keys whose frequency exceeds records / capacity. */
    public int capacity() {
        return capacity;
    }

    /** Counts one touch of {@code key}. Keys compare with {@code equals}; a null key is ignored. */
    public void record(Object key) {
        if (key == null) {
            return;
        }
        int h = key.hashCode() * 0x9E3779B9;
        h ^= h >>> 16;
        Stripe s = stripes[(h >>> 24) & stripeMask];
        synchronized (s) {
            s.top.add(key, h);
            s.distinct.add(HyperLogLog.mix64(h));
        }
    }

    /** Takes the counts of the window that ends now and starts a new one. */
    KeyWindow drain(int topN) {
        synchronized (drainLock) {
            long now = System.nanoTime();
            Duration length = Duration.ofNanos(now - windowStartNanos);
            windowStartNanos = now;
            HyperLogLog distinct = new HyperLogLog();
            long total = 0;
            List<SpaceSaving.Counter> top = new ArrayList<>();
            for (Stripe s : stripes) {
                synchronized (s) {
                    total += s.top.total();
                    top.addAll(s.top.top(topN));
                    distinct.merge(s.distinct);
                    s.top.clear();
                    s.distinct.clear();
                }
            }
            top.sort(Comparator.comparingLong(SpaceSaving.Counter::guaranteed).reversed());
            List<KeyWindow.KeyCount> keys = top.stream().limit(topN)
                    .map(c -> new KeyWindow.KeyCount(c.key(), c.guaranteed(), c.count()))
                    .toList();
            return new KeyWindow(length, total, Math.max(distinct.estimate(), keys.isEmpty() ? 0 : 1), keys);
        }
    }

    private static final class Stripe {
        final SpaceSaving top;
        final HyperLogLog distinct = new HyperLogLog();

        Stripe(int capacity) {
            top = new SpaceSaving(capacity);
        }
    }

    public static final class Builder {
        private final String name;
        private int capacity = 1024;
        private int stripes = 8;

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("hot-keys name '" + name
                        + "' must be 1 to 64 letters, digits or _.:- (it becomes the 'source' tag)");
            }
            this.name = name;
        }

        /** Counters kept (default 1024); more counters, more exact counts for lukewarm keys. */
        public Builder capacity(int capacity) {
            if (capacity < 16 || capacity > 1 << 20) {
                throw new IllegalArgumentException("hot-keys capacity must be between 16 and 1048576, was " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /** Independent locks (default 8, a power of two); more stripes, less contention between threads. */
        public Builder stripes(int stripes) {
            if (stripes < 1 || stripes > 256 || Integer.bitCount(stripes) != 1) {
                throw new IllegalArgumentException("hot-keys stripes must be a power of two from 1 to 256, was " + stripes);
            }
            this.stripes = stripes;
            return this;
        }

        public HotKeys build() {
            if (stripes > capacity) {
                throw new IllegalArgumentException("hot-keys stripes (" + stripes + ") must not exceed capacity (" + capacity + ")");
            }
            return new HotKeys(name, capacity, stripes);
        }
    }
}
