package dev.telltale.spring;

import dev.telltale.core.Alert;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.jvm.cache.StampedesBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.metrics.cache.CacheMeterBinderProvider;
import org.springframework.boot.actuate.metrics.cache.CacheMetricsRegistrar;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The caches of the application's {@code CacheManager} are watched for stampedes without a line of its code. */
class CacheStampedesTest {
    private static final int HERD = 4;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TelltaleAutoConfiguration.class))
            .withPropertyValues("telltale.target=shop");

    @Test
    void aCacheManagerKeepsItsTypeAndHandsOutWatchedCachesEvenThoseCreatedLater() {
        runner.withUserConfiguration(Shop.class).withBean(Binding.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(StampedesBuilder.class);
            ConcurrentMapCacheManager manager = ctx.getBean(ConcurrentMapCacheManager.class);
            assertThat(manager.getCacheNames()).containsExactly("products");
            Cache late = manager.getCache("created-after-startup");
            assertThat(late).isNotInstanceOf(ConcurrentMapCache.class).isSameAs(manager.getCache("created-after-startup"));
            assertThat(late.getNativeCache()).isInstanceOf(java.util.concurrent.ConcurrentMap.class);
            // Boot's cache metrics, which recognise a cache by its class, bound the one the manager had at start-up
            assertThat(ctx.getBean(Binding.class).bound).isTrue();
        });
    }

    @Test
    void noWatchingWithoutACacheManagerOrWhenTurnedOff() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(StampedesBuilder.class));
        runner.withUserConfiguration(Shop.class).withPropertyValues("telltale.caches.enabled=false").run(ctx -> {
            assertThat(ctx).doesNotHaveBean(StampedesBuilder.class);
            assertThat(ctx.getBean(CacheManager.class).getCache("products")).isInstanceOf(ConcurrentMapCache.class);
        });
    }

    @Test
    void concurrentMissesOfACacheableMethodAreAStampede() throws Exception {
        runner.withUserConfiguration(Shop.class).withPropertyValues("telltale.detectors.cache.stampede.interval=1s").run(ctx -> {
            Products products = ctx.getBean(Products.class);
            DetectorEngine engine = ctx.getBean(DetectorEngine.class);
            AtomicInteger key = new AtomicInteger();
            ExecutorService callers = Executors.newFixedThreadPool(HERD);
            try {
                Finding f = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            herd(callers, products, key.incrementAndGet());
                            return stampede(engine);
                        }, Optional::isPresent).orElseThrow();
                assertThat(f.subject()).isEqualTo("cache products concurrent loads");
                assertThat((Integer) f.evidence().get("concurrent-loads")).isGreaterThanOrEqualTo(HERD - 1);
            } finally {
                callers.shutdownNow();
            }
        });
    }

    /** {@code HERD} callers miss the same key at once: each load waits until all of them are loading. */
    private static void herd(ExecutorService callers, Products products, int id) throws Exception {
        CountDownLatch loading = new CountDownLatch(HERD);
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < HERD; i++) {
            calls.add(callers.submit(() -> products.product(id, loading)));
        }
        for (Future<String> c : calls) {
            c.get(20, TimeUnit.SECONDS);
        }
    }

    private static Optional<Finding> stampede(DetectorEngine engine) {
        return engine.activeAlerts().stream().map(Alert::finding).filter(f -> f.detector().equals("cache.stampede")).findFirst();
    }

    /** Binds meters to a cache only when it is of its class, as Boot's providers do (Caffeine's, Redis'...). */
    static final class ConcurrentMapBinder implements CacheMeterBinderProvider<ConcurrentMapCache> {
        @Override
        public MeterBinder getMeterBinder(ConcurrentMapCache cache, Iterable<Tag> tags) {
            return registry -> Gauge.builder("cache.size", cache.getNativeCache(), java.util.Map::size).tags(tags).register(registry);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class Shop {
        /** Dynamic: every cache is created when first asked for, after start-up. */
        @Bean
        ConcurrentMapCacheManager cacheManager() {
            return new ConcurrentMapCacheManager();
        }

        @Bean
        Products products() {
            return new Products();
        }
    }

    /** As Boot's cache metrics configuration does: binds the manager's caches to a registry when it is created. */
    static final class Binding {
        final boolean bound;

        Binding(CacheManager manager) {
            bound = new CacheMetricsRegistrar(new SimpleMeterRegistry(), List.of(new ConcurrentMapBinder()))
                    .bindCacheToRegistry(manager.getCache("products"));
        }
    }

    public static class Products {
        /** The key is the id alone; the latch only makes the loads of one round overlap. */
        @Cacheable(cacheNames = "products", key = "#id")
        public String product(int id, CountDownLatch loading) throws InterruptedException {
            loading.countDown();
            loading.await(10, TimeUnit.SECONDS);
            return "product " + id;
        }
    }
}
