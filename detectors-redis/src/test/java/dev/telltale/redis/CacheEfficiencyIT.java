package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CacheEfficiencyIT {
    static final int KEYS = 2000;

    @Test
    void aWarmCacheWhoseKeysExpireAtOnceCollapses() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            redis.fill(KEYS, KEYS, i -> "page:" + i, i -> "html");
            whileReading(redis, target, (d, s) -> {
                // healthy windows: ratio 1.0 becomes the baseline
                Detection warm = awaitRun(d, s, det -> assertThat(Runs.signal(det, "redis.cache.hit_ratio_baseline", redis.address()))
                        .hasValueSatisfying(v -> assertThat(v).isGreaterThan(0.95)));
                assertThat(Runs.above(warm, Severity.INFO)).isEmpty();
                // every key gets the same expiry instant (pipelined), one second from now
                long expireAt = System.currentTimeMillis() + 1000;
                var async = redis.client().connect().async();
                List<io.lettuce.core.RedisFuture<Boolean>> expiries = new java.util.ArrayList<>();
                for (int i = 0; i < KEYS; i++) {
                    expiries.add(async.pexpireat("page:" + i, expireAt));
                }
                for (var f : expiries) {
                    assertThat(f.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                }
                // then every key expires in the same second while reads go on
                Detection herd = awaitRun(d, s, det -> assertThat(Runs.finding(det, "hit ratio")).isPresent());
                Finding f = Runs.finding(herd, "hit ratio").orElseThrow();
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.problem()).isEqualTo(Problem.THUNDERING_HERD);
                assertThat(f.subject()).isEqualTo("node " + redis.address() + " hit ratio");
                assertThat((Double) f.evidence().get("hit_ratio")).isLessThan(0.7);
                assertThat((Double) f.evidence().get("baseline")).isGreaterThan(0.95);
                assertThat((Long) f.evidence().get("expired_keys")).isPositive();
                assertThat(f.holdFor()).isEqualTo(Duration.ofSeconds(30));
                assertThat(f.summary()).contains("collapsed").contains("expired");
            });
        }
    }

    @Test
    void aFlushIsExplainedNotAHerd() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            for (int i = 0; i < KEYS; i++) {
                redis.redis().set("page:" + i, "html");
            }
            whileReading(redis, target, (d, s) -> {
                awaitRun(d, s, det -> assertThat(Runs.signal(det, "redis.cache.hit_ratio_baseline", redis.address())).isPresent());
                redis.redis().flushall();
                Detection after = awaitRun(d, s, det -> assertThat(Runs.finding(det, "hit ratio")).isPresent());
                Finding f = Runs.finding(after, "hit ratio").orElseThrow();
                assertThat(f.severity()).isEqualTo(Severity.INFO);
                assertThat((String) f.evidence().get("explained_by")).startsWith("flushed");
            });
        }
    }

    interface Reading {
        void run(Detector d, Map<String, String> settings) throws Exception;
    }

    /**
     * While clients read the keys: the cache-efficiency detector (50 lookups a window at least), after its
     * first run, handed to {@code reading} with its settings.
     */
    static void whileReading(LocalRedis redis, RedisTarget target, Reading reading) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = readers(redis, stop);
        try {
            Detector d = Runs.detector(target, "redis.cache-efficiency");
            Map<String, String> s = Map.of("min-lookups", "50");
            Runs.run(d, s);
            reading.run(d, s);
        } finally {
            stop.set(true);
            reader.join();
        }
    }

    interface Check {
        void accept(Detection d) throws Exception;
    }

    static Detection awaitRun(Detector d, Map<String, String> s, Check check) {
        Detection[] last = new Detection[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(700)).untilAsserted(() -> {
            last[0] = Runs.run(d, s);
            check.accept(last[0]);
        });
        return last[0];
    }

    static Thread readers(LocalRedis redis, AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            try (StatefulRedisConnection<String, String> c = redis.client().connect()) {
                while (!stop.get()) {
                    c.sync().get("page:" + ThreadLocalRandom.current().nextInt(KEYS));
                }
            }
        });
        t.start();
        return t;
    }
}
