package dev.telltale.jvm.cache;

import io.micrometer.core.instrument.MeterRegistry;

/** The detectors of this package, for the application to create next to its caches. */
public final class CacheDetectors {
    private CacheDetectors() {
    }

    /**
     * {@code cache.stampede} for loads reported through {@link StampedesBuilder#loads(String)}: get each
     * cache's {@link CacheLoads} from the builder, then {@link StampedesBuilder#build()} the detector.
     */
    public static StampedesBuilder stampedes(String target) {
        return new StampedesBuilder(target);
    }

    /** {@code cache.stampede} that also watches the {@code cache.gets} meters of {@code registry} for hit-ratio collapse. */
    public static StampedesBuilder stampedes(String target, MeterRegistry registry) {
        return new StampedesBuilder(target).meters(registry);
    }
}
