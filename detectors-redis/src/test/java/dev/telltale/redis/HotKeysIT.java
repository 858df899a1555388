package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Report;
import dev.telltale.core.Severity;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class HotKeysIT {

    @Test
    void aHammeredKeyAmongTenThousandQuietOnesIsInTheTopThree() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--maxmemory-policy", "allkeys-lfu");
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url()).keyNames(KeyNames.full())) {
            redis.fill(10_000, 1000, i -> "product:" + i, i -> "v" + i);
            redis.redis().set("product:celebrity", "hot");
            hammer(redis, "product:celebrity", 8, 40_000);

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (DetectorEngine engine = DetectorEngine.builder().detector(Runs.detector(target, "redis.hot-keys")).build()) {
                engine.bindTo(registry);
                Report report = engine.runOnce(Duration.ofMillis(200));
                assertThat(report.runs()).singleElement().satisfies(r -> assertThat(r.outcome().kind()).isEqualTo("ok"));
                Finding hot = report.findings().stream().filter(f -> f.subject().startsWith("key product:celebrity")).findFirst().orElseThrow();
                assertThat(hot.severity()).isEqualTo(Severity.WARNING);
                assertThat(hot.problem()).isEqualTo(Problem.PERFORMANCE_HOTSPOTS);
                assertThat(hot.subject()).isEqualTo("key product:celebrity on " + redis.address());
                assertThat((Integer) hot.evidence().get("rank")).isLessThanOrEqualTo(3);
                assertThat((Long) hot.evidence().get("lfu_counter")).isGreaterThanOrEqualTo(50);
                assertThat((Long) hot.evidence().get("sampled_keys")).isGreaterThanOrEqualTo(10_000);
                assertThat(report.findings()).filteredOn(f -> f.subject().startsWith("key product:") && !f.subject().contains("celebrity")).isEmpty();
                assertThat(registry.find("telltale.redis.hotkeys.frequency").tag("target", "cache").tag("node", redis.address())
                        .tag("rank", "1").gauge().value()).isGreaterThanOrEqualTo(50);
            }
        }
    }

    @Test
    void withoutAnLfuPolicyItSaysWhy() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--maxmemory-policy", "allkeys-lru");
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url()).keyNames(KeyNames.full())) {
            redis.redis().set("k", "v");
            for (int i = 0; i < 100; i++) {
                redis.redis().get("k");
            }
            Detection d = Runs.run(Runs.detector(target, "redis.hot-keys"), Map.of("estimate", "false"));
            assertThat(d.isSkipped()).isTrue();
            assertThat(d.skipReason().orElseThrow()).contains("LFU").contains("allkeys-lru").contains("allkeys-lfu")
                    .contains("per command: get");
        }
    }

    @Test
    void underAnLruPolicyTheIdleTimeEstimateFindsAKeyReadEverySecond() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--maxmemory-policy", "allkeys-lru");
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url()).keyNames(KeyNames.full())) {
            celebrityAmong(redis, 10_000);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Load load = Load.on(redis, () -> "product:celebrity");
                 DetectorEngine engine = DetectorEngine.builder().detector(Runs.detector(target, "redis.hot-keys")).build()) {
                engine.bindTo(registry);
                Report report = engine.runOnce(Duration.ofMillis(200));
                assertThat(load.reads()).isPositive();
                assertThat(report.runs()).singleElement().satisfies(r -> {
                    assertThat(r.outcome().kind()).isEqualTo("ok");
                    assertThat(r.coverage().orElseThrow().scanned()).isEqualTo(10_001);
                    assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("estimate for maxmemory-policy allkeys-lru"));
                });
                assertThat(report.findings()).singleElement().satisfies(hot -> {
                    assertThat(hot.subject()).isEqualTo("key product:celebrity on " + redis.address());
                    assertThat(hot.problem()).isEqualTo(Problem.PERFORMANCE_HOTSPOTS);
                    assertThat(hot.summary()).contains("(estimate)");
                    assertThat(hot.evidence()).containsEntry("estimate", "OBJECT IDLETIME samples").containsEntry("samples", 3)
                            .containsEntry("walked_keys", 10_001L).containsEntry("maxmemory_policy", "allkeys-lru");
                });
                assertThat(registry.find("telltale.redis.hotkeys.estimated").tag("node", redis.address()).gauge().value()).isEqualTo(1.0);
                assertThat(registry.find("telltale.redis.hotkeys.recently_touched").tag("node", redis.address()).gauge().value())
                        .isLessThan(0.01);
            }
        }
    }

    @Test
    void scheduledRunsEstimateFromTheirOwnBudgetedScan() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--maxmemory-policy", "allkeys-lru");
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url()).keyNames(KeyNames.full())) {
            celebrityAmong(redis, 5_000);
            try (Load load = Load.on(redis, () -> "product:celebrity")) {
                Detection d = Runs.run(Runs.detector(target, "redis.hot-keys"), Map.of("scan.time", "15s"));
                assertThat(Runs.finding(d, "key product:celebrity on")).hasValueSatisfying(f ->
                        assertThat(f.evidence()).containsEntry("estimate", "OBJECT IDLETIME samples"));
                assertThat(Runs.signal(d, "redis.hotkeys.estimated", redis.address())).contains(1.0);
            }
        }
    }

    @Test
    void underAnLruPolicyTrafficSpreadOverEveryKeyIsNoHotKey() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--maxmemory-policy", "allkeys-lru");
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url()).keyNames(KeyNames.full())) {
            loadQuiet(redis, "item:", 5_000);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (Load load = Load.on(redis, () -> "item:" + java.util.concurrent.ThreadLocalRandom.current().nextInt(5_000));
                 DetectorEngine engine = DetectorEngine.builder().detector(Runs.detector(target, "redis.hot-keys")).build()) {
                engine.bindTo(registry);
                // the spread load has touched a good share of the keys in the last second
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> load.reads() > 20_000);
                Report report = engine.runOnce(Duration.ofMillis(200));
                assertThat(report.runs()).singleElement().satisfies(r -> assertThat(r.outcome().kind()).isEqualTo("ok"));
                assertThat(report.findings()).isEmpty();
                assertThat(registry.find("telltale.redis.hotkeys.recently_touched").tag("node", redis.address()).gauge().value())
                        .isGreaterThan(0.01);
            }
        }
    }

    /** product:celebrity beside n quiet product: keys, all idle for two seconds at least. */
    private static void celebrityAmong(LocalRedis redis, int n) {
        redis.redis().set("product:celebrity", "hot");
        loadQuiet(redis, "product:", n);
    }

    /** n keys, then a wait until the last written is idle for two seconds (the LRU clock counts whole seconds). */
    private static void loadQuiet(LocalRedis redis, String prefix, int n) {
        redis.fill(n, 1000, i -> prefix + i, i -> "v" + i);
        String last = prefix + (n - 1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> redis.redis().objectIdletime(last) >= 2);
    }

    /** GETs from one connection of its own until closed, on the keys the supplier names. */
    private static final class Load implements AutoCloseable {
        private final StatefulRedisConnection<String, String> connection;
        private final ExecutorService pool = Executors.newSingleThreadExecutor();
        private final AtomicLong reads = new AtomicLong();
        private volatile boolean stop;

        private Load(LocalRedis redis, java.util.function.Supplier<String> keys) {
            connection = redis.client().connect();
            pool.submit(() -> {
                while (!stop) {
                    connection.sync().get(keys.get());
                    reads.incrementAndGet();
                }
                return null;
            });
        }

        static Load on(LocalRedis redis, java.util.function.Supplier<String> keys) {
            return new Load(redis, keys);
        }

        long reads() {
            return reads.get();
        }

        @Override
        public void close() throws Exception {
            stop = true;
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            connection.close();
        }
    }

    static void hammer(LocalRedis redis, String key, int threads, int total) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong done = new AtomicLong();
        List<StatefulRedisConnection<String, String>> conns = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            StatefulRedisConnection<String, String> c = redis.client().connect();
            conns.add(c);
            pool.submit(() -> {
                while (done.incrementAndGet() <= total) {
                    c.sync().get(key);
                }
                return null;
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        conns.forEach(StatefulRedisConnection::close);
    }
}
