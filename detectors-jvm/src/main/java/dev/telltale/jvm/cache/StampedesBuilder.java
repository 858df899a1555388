package dev.telltale.jvm.cache;

import dev.telltale.core.Detector;
import dev.telltale.jvm.internal.cache.LoadSnapshot;
import dev.telltale.jvm.internal.cache.StampedeDetector;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Builds the {@code cache.stampede} detector ({@link CacheDetectors#stampedes}) and hands out the load
 * watcher of each cache. The detector watches every {@link CacheLoads} this builder hands out, before or
 * after {@link #build()}, so caches created later are watched too.
 */
public final class StampedesBuilder {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private final String target;
    private final Map<String, CacheLoads> caches = new ConcurrentHashMap<>();
    private Optional<MeterRegistry> registry = Optional.empty();

    StampedesBuilder(String target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /** Also watches the {@code cache.gets} meters of {@code registry} for hit-ratio collapse. */
    public StampedesBuilder meters(MeterRegistry registry) {
        this.registry = Optional.of(Objects.requireNonNull(registry, "registry"));
        return this;
    }

    /** Whether {@code name} can name a cache here (the {@code cache} tag): 1 to 64 letters, digits or {@code _.:-}. */
    public static boolean accepts(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The load watcher of cache {@code name} (the {@code cache} tag); the same one for the same name. */
    public CacheLoads loads(String name) {
        Objects.requireNonNull(name, "name");
        if (!accepts(name)) {
            throw new IllegalArgumentException("cache name '" + name + "' must be 1 to 64 letters, digits or _.:-");
        }
        return caches.computeIfAbsent(name, CacheLoads::new);
    }

    /** The detector, watching every cache of {@link #loads} (including those asked for later). */
    public Detector build() {
        return new StampedeDetector(target, () -> caches.values().stream()
                .map(c -> new LoadSnapshot.Source(c.cache(), c::drain)).toList(), registry);
    }
}
