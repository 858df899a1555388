package dev.telltale.jvm.cache;

import org.springframework.cache.Cache;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spring adapter: a {@link Cache} decorator that reports loads to a {@link CacheLoads}. Spring's
 * {@code @Cacheable(sync = true)} loads through {@link Cache#get(Object, Callable)}: the value loader is
 * counted when the cache actually calls it. Without {@code sync}, Spring reads ({@code get} misses), runs
 * the method and then {@code put}s: a miss starts a load of that key and the {@code put} (or an evict)
 * ends it, which is exactly the window in which other callers stampede. A miss that is never followed by
 * a put (the method threw) is forgotten after {@value #ABANDONED_SECONDS} s.
 */
public final class SpringCaches {
    static final long ABANDONED_SECONDS = 30;

    private SpringCaches() {
    }

    public static Cache watch(CacheLoads loads, Cache cache) {
        return new Watched(Objects.requireNonNull(loads, "loads"), Objects.requireNonNull(cache, "cache"));
    }

    private static final class Watched implements Cache {
        private final CacheLoads loads;
        private final Cache delegate;
        // key -> start times of misses that have not been put yet; bounded by the callers in flight
        private final ConcurrentHashMap<Object, long[]> pending = new ConcurrentHashMap<>();

        Watched(CacheLoads loads, Cache delegate) {
            this.loads = loads;
            this.delegate = delegate;
        }

        @Override
        public String getName() {
            return delegate.getName();
        }

        @Override
        public Object getNativeCache() {
            return delegate.getNativeCache();
        }

        @Override
        public ValueWrapper get(Object key) {
            ValueWrapper v = delegate.get(key);
            if (v == null) {
                missed(key);
            }
            return v;
        }

        @Override
        public <T> T get(Object key, Class<T> type) {
            T v = delegate.get(key, type);
            if (v == null) {
                missed(key);
            }
            return v;
        }

        @Override
        public <T> T get(Object key, Callable<T> valueLoader) {
            return delegate.get(key, () -> loads.call(key, valueLoader));
        }

        @Override
        public java.util.concurrent.CompletableFuture<?> retrieve(Object key) {
            return delegate.retrieve(key);
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<T> retrieve(Object key,
                java.util.function.Supplier<java.util.concurrent.CompletableFuture<T>> valueLoader) {
            return delegate.retrieve(key, () -> {
                loads.started(key);
                return valueLoader.get().whenComplete((v, e) -> loads.finished(key));
            });
        }

        @Override
        public void put(Object key, Object value) {
            delegate.put(key, value);
            settled(key);
        }

        @Override
        public ValueWrapper putIfAbsent(Object key, Object value) {
            ValueWrapper v = delegate.putIfAbsent(key, value);
            settled(key);
            return v;
        }

        @Override
        public void evict(Object key) {
            delegate.evict(key);
            settled(key);
        }

        @Override
        public boolean evictIfPresent(Object key) {
            boolean r = delegate.evictIfPresent(key);
            settled(key);
            return r;
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        public boolean invalidate() {
            return delegate.invalidate();
        }

        private void missed(Object key) {
            long now = System.nanoTime();
            pending.compute(key, (k, v) -> {
                if (v == null) {
                    return new long[] {now, 1};
                }
                if (now - v[0] > ABANDONED_SECONDS * 1_000_000_000L) {
                    for (long i = 0; i < v[1]; i++) {
                        loads.finished(k);
                    }
                    v[0] = now;
                    v[1] = 1;
                } else {
                    v[1]++;
                }
                return v;
            });
            loads.started(key);
        }

        private void settled(Object key) {
            long[] v = pending.remove(key);
            if (v != null) {
                for (long i = 0; i < v[1]; i++) {
                    loads.finished(key);
                }
            }
        }
    }
}
