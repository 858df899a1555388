package dev.telltale.jvm.internal.cache;

import java.util.function.Supplier;

/** The worst cases a {@code CacheLoads} saw since the previous read, and the loads started. */
public record LoadSnapshot(long loads, Worst concurrent, Worst burst, int keysLoadingNow) {
    /** The key with the most loads at once (or within one second), and that count. */
    public record Worst(Object key, int count) {
        public static final Worst NONE = new Worst("", 0);
    }

    /** A cache as the detector sees it: its name (the {@code cache} tag) and how to read and reset its loads. */
    public record Source(String cache, Supplier<LoadSnapshot> drain) {
    }
}
