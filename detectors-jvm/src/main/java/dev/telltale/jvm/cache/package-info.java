/**
 * Cache stampedes: concurrent and repeated loads of one key, seen by wrapping the loader
 * ({@link dev.telltale.jvm.cache.CacheLoads#wrap}), a Caffeine {@code CacheLoader}
 * ({@link dev.telltale.jvm.cache.CaffeineLoads}) or a Spring {@code Cache}
 * ({@link dev.telltale.jvm.cache.SpringCaches}); and hit-ratio collapse from Micrometer's {@code cache.gets}.
 *
 * <pre>{@code
 * StampedesBuilder stampede = CacheDetectors.stampedes("catalog", meterRegistry);
 * LoadingCache<Long, Product> products = Caffeine.newBuilder()
 *         .build(CaffeineLoads.watch(stampede.loads("products"), productRepository::find));
 * Detector detector = stampede.build();   // watches every cache of stampede.loads(..), also later ones
 * }</pre>
 * Caffeine and Spring are optional dependencies: the application brings its own.
 */
package dev.telltale.jvm.cache;
