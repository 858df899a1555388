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

import java.util.List;

import static dev.telltale.jvm.cache.StampedeDetectorTest.finding;
import static org.assertj.core.api.Assertions.assertThat;

/** A real Spring context with {@code @Cacheable} methods, with and without {@code sync = true}. */
class SpringCachesTest {
    static final StampedesBuilder STAMPEDES = CacheDetectors.stampedes("app");
    static final Detector DETECTOR = STAMPEDES.build();
    private final Herd callers = new Herd();

    @AfterEach
    void shutdown() throws InterruptedException {
        callers.close();
    }

    public static class Products {
        private final SlowStore database = new SlowStore();

        public int queries() {
            return database.queries();
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
            return database.query(() -> "row " + id);
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
        callers.run(get, "row 7");
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
