package dev.telltale.jvm.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.testkit.DetectorHarness;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** 100 threads on one expired key of real caches: a plain map, Caffeine used cache-aside, Caffeine loading. */
class StampedeDetectorTest {
    private static final int THREADS = Herd.CALLERS;
    private final Herd callers = new Herd();
    private final SlowStore database = new SlowStore();
    /** The detector of the tests without a meter registry, and where they record their loads. */
    private final StampedesBuilder stampedes = CacheDetectors.stampedes("app");

    @AfterEach
    void shutdown() throws InterruptedException {
        callers.close();
    }


    /** The backing store: a query that takes a while, as the database does under a herd. */
    private String query(Object key) {
        return database.query(() -> "product " + key);
    }

    /** Runs {@code get} on 100 threads released together, and waits for all of them. */
    private void herd(Supplier<String> get) throws Exception {
        callers.run(get, "product 42");
    }

    static Optional<Finding> finding(Detection d, String subject) {
        return d.findings().stream().filter(f -> f.subject().equals(subject)).findFirst();
    }

    @Test
    void aMapBackedCacheAsideStampedes() throws Exception {
        Detector detector = stampedes.build();
        CacheLoads loads = stampedes.loads("products");
        Map<Object, String> cache = new ConcurrentHashMap<>();
        java.util.function.Function<Object, String> loader = loads.wrap(this::query);
        cache.put(42, "product 42");
        cache.remove(42); // the entry expired

        herd(() -> {
            String v = cache.get(42);
            if (v == null) {
                v = loader.apply(42);
                cache.put(42, v);
            }
            return v;
        });

        Detection d = DetectorHarness.of(detector).reportPass();
        Finding f = finding(d, "cache products concurrent loads").orElseThrow();
        assertThat(f.problem()).isEqualTo(Problem.THUNDERING_HERD);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat((Integer) f.evidence().get("concurrent-loads")).isGreaterThanOrEqualTo(3);
        assertThat(f.evidence()).containsEntry("key", "42");
        assertThat(finding(d, "cache products repeated loads")).isPresent();
        assertThat(database.queries()).isGreaterThanOrEqualTo(3);
        assertThat(d.signals()).anySatisfy(s -> {
            assertThat(s.spec().name()).isEqualTo("cache.loads.concurrent");
            assertThat(s.value()).isGreaterThanOrEqualTo(3);
        });
    }

    @Test
    void caffeineUsedCacheAsideStampedesButItsLoadingCacheDoesNot() throws Exception {
        Detector detector = stampedes.build();
        AtomicLong nanos = new AtomicLong();
        Ticker ticker = nanos::get;

        // cache-aside: getIfPresent, load, put: nothing coalesces the loads
        CacheLoads asideLoads = stampedes.loads("aside");
        Cache<Integer, String> aside = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(Duration.ofMinutes(5)).build();
        aside.put(42, "product 42");
        nanos.addAndGet(Duration.ofMinutes(6).toNanos());
        assertThat(aside.getIfPresent(42)).isNull();
        herd(() -> {
            String v = aside.getIfPresent(42);
            if (v == null) {
                v = asideLoads.load(42, () -> query(42));
                aside.put(42, v);
            }
            return v;
        });

        // a LoadingCache: Caffeine runs one load per key however many threads ask
        CacheLoads singleFlight = stampedes.loads("loading");
        LoadingCache<Integer, String> loading = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(Duration.ofMinutes(5))
                .build(CaffeineLoads.watch(singleFlight, this::query));
        loading.get(42);
        nanos.addAndGet(Duration.ofMinutes(6).toNanos());
        int queriesBefore = database.queries();
        herd(() -> loading.get(42));
        assertThat(database.queries() - queriesBefore).isEqualTo(1);

        Detection d = DetectorHarness.of(detector).reportPass();

        assertThat(finding(d, "cache aside concurrent loads")).isPresent();
        assertThat(d.findings()).noneMatch(f -> f.subject().startsWith("cache loading"));
        assertThat(d.signals()).anySatisfy(s -> {
            assertThat(s.spec().name()).isEqualTo("cache.loads");
            assertThat(s.tagValues()).containsExactly("loading");
            assertThat(s.value()).isEqualTo(2); // the warm-up load and the one after expiry
        });
    }

    @Test
    void hitRatioCollapseFromMicrometerCacheGets() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Detector detector = CacheDetectors.stampedes("app", meters).build();
        LoadingCache<Integer, String> catalog = Caffeine.newBuilder().recordStats().build(k -> "item " + k);
        CaffeineCacheMetrics.monitor(meters, catalog, "catalog");
        for (int k = 0; k < 100; k++) {
            catalog.get(k);
        }
        DetectorHarness.of(detector).baselinePass();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 1000; i++) {
                catalog.get(i % 100); // warm: hits
            }
            assertThat(DetectorHarness.of(detector).reportPass().findings()).isEmpty();
        }

        catalog.invalidateAll(); // a flush: everything expires together
        for (int i = 0; i < 1000; i++) {
            catalog.get(i % 500);
        }
        Detection d = DetectorHarness.of(detector).reportPass();

        Finding f = finding(d, "cache catalog hit ratio").orElseThrow();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat((Double) f.evidence().get("hit-ratio")).isEqualTo(0.5);
        assertThat(f.evidence()).containsEntry("gets", 1000L).containsEntry("usual-hit-ratio", 1.0);
        assertThat(f.holdFor()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void healthyTrafficRaisesNothing() throws Exception {
        Detector detector = stampedes.build();
        CacheLoads loads = stampedes.loads("products");
        Map<Integer, String> cache = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(THREADS);
        for (int t = 0; t < THREADS; t++) {
            callers.pool().execute(() -> {
                for (int i = 0; i < 20; i++) {
                    int key = next.incrementAndGet() % 1000; // many keys, each loaded once
                    cache.computeIfAbsent(key, k -> loads.load(k, () -> "product " + k));
                }
                done.countDown();
            });
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();

        Detection d = DetectorHarness.of(detector).reportPass();

        assertThat(d.findings()).isEmpty();
    }
}
