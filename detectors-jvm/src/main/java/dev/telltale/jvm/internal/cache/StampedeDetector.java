package dev.telltale.jvm.internal.cache;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.jvm.internal.InProcessDetector;
import dev.telltale.jvm.internal.Texts;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code cache.stampede}: the thundering herd at a cache.
 * <ul>
 * <li>concurrent loads: {@code concurrent.warning} or more loads of one key running at once, seen through
 *     {@code CacheLoads} (a wrapped loader, a Caffeine {@code CacheLoader}, a Spring {@code Cache});</li>
 * <li>load bursts: {@code burst.warning} or more loads of one key starting within one second;</li>
 * <li>hit-ratio collapse, from the {@code cache.gets} meters Micrometer's cache binders publish
 *     ({@code CaffeineCacheMetrics}, Spring Boot's cache metrics): the hit ratio of a run below
 *     {@code hit-ratio.warning}, or below {@code hit-ratio.baseline-share} of its usual level.</li>
 * </ul>
 */
public final class StampedeDetector extends InProcessDetector implements StampedeDetectorSpec {
    private final Supplier<List<LoadSnapshot.Source>> caches;
    private final Optional<MeterRegistry> registry;
    private final Map<String, long[]> lastGets = new HashMap<>();
    private final Map<String, Double> baseline = new HashMap<>();

    /**
     * @param caches   the caches watched now (more may come between runs)
     * @param registry where to read the {@code cache.gets} meters for hit-ratio collapse, if anywhere
     */
    public StampedeDetector(String target, Supplier<List<LoadSnapshot.Source>> caches, Optional<MeterRegistry> registry) {
        super(SPEC, Objects.requireNonNull(target, "target"));
        this.caches = Objects.requireNonNull(caches, "caches");
        this.registry = registry;
    }

    @Override
    public synchronized Detection detect(DetectionContext ctx) {
        Detection.Builder out = Detection.builder();
        for (LoadSnapshot.Source c : caches.get()) {
            LoadSnapshot s = c.drain().get();
            out.signal(LOADS, s.loads(), c.cache());
            out.signal(CONCURRENT, s.concurrent().count(), c.cache());
            out.signal(BURST, s.burst().count(), c.cache());
            if (ctx.baselinePass()) {
                continue;
            }
            if (s.concurrent().count() >= ctx.setting(CONCURRENT_WARNING)) {
                out.finding(ctx.finding(Problem.THUNDERING_HERD, Severity.WARNING, "cache " + c.cache() + " concurrent loads")
                        .summary(String.format(Locale.ROOT, "%d loads of one key of cache %s ran at the same time",
                                s.concurrent().count(), c.cache()))
                        .evidence("cache", c.cache())
                        .evidence("concurrent-loads", s.concurrent().count())
                        .evidence("key", Texts.key(s.concurrent().key()))
                        .evidence("loads", s.loads())
                        .hint("Load each key once (Caffeine's get(key, loader), @Cacheable(sync = true), a per-key lock "
                                + "or request coalescing) and refresh hot entries before they expire (refreshAfterWrite)."));
            }
            if (s.burst().count() >= ctx.setting(BURST_WARNING)) {
                out.finding(ctx.finding(Problem.THUNDERING_HERD, Severity.WARNING, "cache " + c.cache() + " repeated loads")
                        .summary(String.format(Locale.ROOT, "one key of cache %s was loaded %d times within one second",
                                c.cache(), s.burst().count()))
                        .evidence("cache", c.cache())
                        .evidence("loads-within-1s", s.burst().count())
                        .evidence("key", Texts.key(s.burst().key()))
                        .evidence("loads", s.loads())
                        .hint("The value is loaded again and again: the entry is not stored after a load, expires "
                                + "at once, or callers miss and load without coalescing."));
            }
        }
        registry.ifPresent(r -> hitRatios(ctx, r, out));
        return out.build();
    }

    private void hitRatios(DetectionContext ctx, MeterRegistry r, Detection.Builder out) {
        Map<String, long[]> now = new HashMap<>();
        for (Meter m : r.find("cache.gets").meters()) {
            String cache = m.getId().getTag("cache");
            String result = m.getId().getTag("result");
            if (cache == null || result == null || !(result.equals("hit") || result.equals("miss"))) {
                continue;
            }
            double count = m instanceof FunctionCounter fc ? fc.count()
                    : m instanceof io.micrometer.core.instrument.Counter c ? c.count() : Double.NaN;
            if (Double.isNaN(count)) {
                continue;
            }
            now.computeIfAbsent(cache, k -> new long[2])[result.equals("hit") ? 0 : 1] += (long) count;
        }
        for (Map.Entry<String, long[]> e : now.entrySet()) {
            String cache = e.getKey();
            long[] cur = e.getValue();
            long[] prev = lastGets.put(cache, cur.clone());
            if (prev == null) {
                continue;
            }
            long hits = cur[0] - prev[0];
            long misses = cur[1] - prev[1];
            long gets = hits + misses;
            if (gets <= 0) {
                continue;
            }
            double ratio = (double) hits / gets;
            out.signal(HIT_RATIO, ratio, cache);
            if (gets < ctx.setting(HIT_RATIO_MIN_GETS)) {
                continue;
            }
            Double usual = baseline.get(cache);
            boolean belowFloor = ratio < ctx.setting(HIT_RATIO_WARNING);
            boolean belowBaseline = usual != null && ratio < usual * ctx.setting(HIT_RATIO_BASELINE_SHARE);
            if ((belowFloor || belowBaseline) && !ctx.baselinePass()) {
                out.finding(ctx.finding(Problem.THUNDERING_HERD, Severity.WARNING, "cache " + cache + " hit ratio")
                        .summary(String.format(Locale.ROOT, "cache %s hit ratio fell to %.2f over %d gets%s", cache, ratio, gets,
                                usual == null ? "" : String.format(Locale.ROOT, " (usually %.2f)", usual)))
                        .evidence("cache", cache)
                        .evidence("hit-ratio", Math.round(ratio * 1000) / 1000.0)
                        .evidence("usual-hit-ratio", usual == null ? null : Math.round(usual * 1000) / 1000.0)
                        .evidence("gets", gets)
                        .evidence("misses", misses)
                        .hint("Entries expired or were evicted together (same TTL, a flush, a deploy): every miss goes "
                                + "to the backing store. Add TTL jitter, refresh ahead, and coalesce loads.")
                        .holdFor(ctx.setting(HIT_RATIO_FOR)));
            } else {
                // only healthy runs move the baseline, so a long collapse does not become the new normal
                baseline.put(cache, usual == null ? ratio : usual * 0.8 + ratio * 0.2);
            }
        }
    }
}
