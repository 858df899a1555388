package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Report;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What one default one-shot check does to an idle 200,000-key server: the keyspace hits and misses it adds
 * and the LFU counters of cold keys, and that the hit ratio it computes leaves its own lookups out.
 */
class SelfNoiseIT {
    static final int KEYS = 200_000;

    @Test
    void oneCheckOfAnIdleServerDoesNotMoveWhatItMeasures() throws Exception {
        // no LFU decay: a counter that moves was touched, not aged
        try (LocalRedis redis = LocalRedis.start("--maxmemory-policy", "allkeys-lfu", "--lfu-decay-time", "0");
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            load(redis);
            String version = redis.redis().info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElseThrow();
            long coldHashBefore = redis.redis().objectFreq("cold:hash");
            long coldStringBefore = redis.redis().objectFreq("cold:string");
            long lookupsBefore = lookups(redis);

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Report report = check(target, registry);
            long added = lookups(redis) - lookupsBefore;
            long coldHashAfter = redis.redis().objectFreq("cold:hash");
            long coldStringAfter = redis.redis().objectFreq("cold:string");
            Gauge ratio = registry.find("telltale.redis.cache.hit_ratio").tag("node", redis.address()).gauge();
            Gauge rate = registry.find("telltale.redis.cache.lookups").tag("node", redis.address()).gauge();
            System.out.printf("SELF-NOISE %s keys=%d: one check added %d keyspace hits+misses; LFU cold hash %d -> %d, "
                            + "cold string %d -> %d; detector lookups/s %s, hit ratio %s%n", version, KEYS, added,
                    coldHashBefore, coldHashAfter, coldStringBefore, coldStringAfter,
                    rate == null ? "-" : rate.value(), ratio == null ? "-" : ratio.value());
            assertThat(report.runs()).allSatisfy(r -> assertThat(r.outcome().kind()).isIn("ok", "skipped", "not-applicable"));
            assertThat(rate).isNotNull();
            assertThat(rate.value()).as("the detector counted none of the check's own lookups").isZero();
            assertThat(ratio == null || Double.isNaN(ratio.value())).as("no hit ratio from an idle server").isTrue();
            assertThat(coldStringAfter).as("TYPE, PTTL, OBJECT FREQ and MEMORY USAGE do not touch a key").isEqualTo(coldStringBefore);

            // a window of redis.cache-efficiency that holds a whole key walk (as in serve, or a longer check)
            List<Detector> detectors = RedisDetectors.forTarget(target);
            Detector cache = detectors.get(0);
            List<Detector> keyDetectors = detectors.stream().filter(d -> List.of("redis.big-keys", "redis.hot-keys",
                    "redis.ttl-hygiene", "redis.streams").contains(d.id())).toList();
            Map<String, String> s = Map.of("min-lookups", "100");
            Runs.run(cache, s);
            walk(keyDetectors);
            Detection idle = Runs.run(cache, s);
            System.out.printf("SELF-NOISE %s: a cache-efficiency window holding the walk: lookups/s %s, hit ratio %s%n", version,
                    Runs.signal(idle, "redis.cache.lookups", redis.address()).orElse(null),
                    Runs.signal(idle, "redis.cache.hit_ratio", redis.address()).orElse(null));
            assertThat(Runs.signal(idle, "redis.cache.lookups", redis.address())).contains(0.0);
            assertThat(Runs.signal(idle, "redis.cache.hit_ratio", redis.address())).as("too few lookups to judge").isEmpty();

            // a cache that misses every lookup while the walk runs: the ratio it computes is the clients' 0.00
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong misses = new AtomicLong();
            Thread reader = new Thread(() -> {
                try (StatefulRedisConnection<String, String> c = redis.client().connect()) {
                    while (!stop.get()) {
                        c.sync().get("absent:" + misses.incrementAndGet());
                    }
                }
            });
            reader.start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> misses.get() > 200);
                Runs.run(cache, s);
                walk(keyDetectors);
                Detection collapsed = Runs.run(cache, s);
                System.out.printf("SELF-NOISE %s: hit ratio of a 0%% hit client over a window holding the walk: %s (%d client misses)%n",
                        version, Runs.signal(collapsed, "redis.cache.hit_ratio", redis.address()).orElse(null), misses.get());
                assertThat(Runs.signal(collapsed, "redis.cache.hit_ratio", redis.address())).contains(0.0);
                assertThat(Runs.finding(collapsed, "hit ratio")).hasValueSatisfying(f ->
                        assertThat((Long) f.evidence().get("own_hits_left_out")).isGreaterThanOrEqualTo(KEYS));
            } finally {
                stop.set(true);
                reader.join();
            }
        }
    }

    private static void walk(List<Detector> keyDetectors) throws Exception {
        try (DetectorEngine engine = DetectorEngine.builder().detectors(keyDetectors).build()) {
            Report r = engine.runOnce(Duration.ZERO);
            assertThat(r.runs()).allSatisfy(run -> assertThat(run.outcome().kind()).isIn("ok", "skipped"));
        }
    }

    private static Report check(RedisTarget target, SimpleMeterRegistry registry) throws Exception {
        // a fresh set of detectors per check, the way the CLI builds one check
        try (DetectorEngine engine = DetectorEngine.builder().detectors(RedisDetectors.forTarget(target))
                .settings(Map.of("redis.cache-efficiency.min-lookups", "100")).build()) {
            engine.bindTo(registry);
            return engine.runOnce(Duration.ofSeconds(1));
        }
    }

    private static void load(LocalRedis redis) {
        Map<String, String> batch = new HashMap<>();
        for (int i = 0; i < KEYS - 10_000; i++) {
            batch.put("page:" + i, "v" + i);
            if (batch.size() == 5000) {
                redis.redis().mset(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            redis.redis().mset(batch);
        }
        var async = redis.client().connect().async();
        async.hset("cold:hash", "f", "v");
        io.lettuce.core.RedisFuture<Long> last = null;
        for (int i = 0; i < 10_000 - 2; i++) {
            last = async.hset("user:" + i, Map.of("name", "n" + i, "age", "1"));
        }
        async.set("cold:string", "v");
        try {
            last.get();
            async.getStatefulConnection().close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(redis.redis().dbsize()).isEqualTo(KEYS);
    }

    private static long lookups(LocalRedis redis) {
        long n = 0;
        for (String line : redis.redis().info("stats").split("\r?\n")) {
            if (line.startsWith("keyspace_hits:") || line.startsWith("keyspace_misses:")) {
                n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return n;
    }
}
