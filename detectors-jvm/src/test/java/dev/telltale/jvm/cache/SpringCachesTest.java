package dev.telltale.jvm.cache;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.testkit.DetectorHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.cache.support.SimpleCacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.telltale.jvm.cache.StampedeDetectorTest.finding;
import static org.assertj.core.api.Assertions.assertThat;

/** A real Spring context with {@code @Cacheable} methods, with and without {@code sync = true}. */
class SpringCachesTest {
    static final StampedesBuilder STAMPEDES = CacheDetectors.stampedes("app");
    static final Detector DETECTOR = STAMPEDES.build();
    private final ExecutorService pool = Executors.newFixedThreadPool(100);

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    public static class Products {
        private final AtomicInteger queries = new AtomicInteger();

        public int queries() {
            return queries.get();
        }

        @Cacheable("products")
        public String product(int id) {
            return query(id);
        }

        @Cacheable(cacheNames = "prices", sync = true)
        public String price(int id) {
            return query(id);
        }

        private String query(int id) {
            queries.incrementAndGet();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "row " + id;
        }
    }

    @Configuration
    @EnableCaching
    static class Config {
        @Bean
        CacheManager cacheManager() {
            SimpleCacheManager manager = new SimpleCacheManager();
            manager.setCaches(List.of(
                    SpringCaches.watch(STAMPEDES.loads("products"), new ConcurrentMapCache("products")),
                    SpringCaches.watch(STAMPEDES.loads("prices"), new ConcurrentMapCache("prices"))));
            return manager;
        }

        @Bean
        Products products() {
            return new Products();
        }
    }

    private void herd(java.util.function.Supplier<String> get) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return get.get();
            }));
        }
        start.countDown();
        for (Future<String> r : results) {
            assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo("row 7");
        }
    }

    @Test
    void cacheableWithoutSyncStampedesAndWithSyncDoesNot() throws Exception {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Config.class)) {
            Products products = context.getBean(Products.class);
            DetectorHarness.of(DETECTOR).baselinePass();

            herd(() -> products.product(7));
            int unsynced = products.queries();
            herd(() -> products.price(7));

            Detection d = DetectorHarness.of(DETECTOR).reportPass();

            assertThat(unsynced).isGreaterThanOrEqualTo(3);
            assertThat(products.queries() - unsynced).isEqualTo(1);
            assertThat(finding(d, "cache products concurrent loads")).hasValueSatisfying(f ->
                    assertThat((Integer) f.evidence().get("concurrent-loads")).isGreaterThanOrEqualTo(3));
            assertThat(d.findings()).noneMatch(f -> f.subject().startsWith("cache prices"));
        }
    }
}
