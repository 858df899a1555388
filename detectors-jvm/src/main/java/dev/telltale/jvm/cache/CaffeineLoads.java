package dev.telltale.jvm.cache;

import com.github.benmanes.caffeine.cache.CacheLoader;

import java.util.Objects;

/**
 * Caffeine adapter: a {@link CacheLoader} whose loads are reported to a {@link CacheLoads}. With
 * {@code LoadingCache.get} Caffeine runs one load per key however many threads ask, so a healthy Caffeine
 * cache shows one load; bulk loads ({@code getAll}) pass through uncounted.
 */
public final class CaffeineLoads {
    private CaffeineLoads() {
    }

    public static <K, V> CacheLoader<K, V> watch(CacheLoads loads, CacheLoader<K, V> loader) {
        Objects.requireNonNull(loads, "loads");
        Objects.requireNonNull(loader, "loader");
        return new CacheLoader<>() {
            @Override
            public V load(K key) throws Exception {
                return loads.call(key, () -> loader.load(key));
            }

            @Override
            public V reload(K key, V oldValue) throws Exception {
                return loads.call(key, () -> loader.reload(key, oldValue));
            }
        };
    }
}
