package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import io.lettuce.core.Consumer;
import io.lettuce.core.XReadArgs;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Report;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StreamsIT {
    private static final int KEYS = 5_000;

    @Test
    void pendingEntriesGrowAndAConsumerGoesIdle() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("events", redis.url())) {
            for (int i = 0; i < 3000; i++) {
                redis.redis().xadd("orders", Map.of("id", String.valueOf(i)));
            }
            redis.redis().xgroupCreate(XReadArgs.StreamOffset.from("orders", "0"), "billing");
            redis.redis().xreadgroup(Consumer.from("billing", "worker-1"), XReadArgs.Builder.count(1200),
                    XReadArgs.StreamOffset.lastConsumed("orders"));
            Detector d = Runs.detector(target, "redis.streams");
            Map<String, String> s = Map.of("idle.warning", "1s");
            Detection first = Runs.run(d, s);
            assertThat(Runs.finding(first, "group billing")).isEmpty(); // one sample is no growth
            assertThat(Runs.signal(first, "redis.streams.pending_max", redis.address())).contains(1200.0);

            redis.redis().xreadgroup(Consumer.from("billing", "worker-2"), XReadArgs.Builder.count(300),
                    XReadArgs.StreamOffset.lastConsumed("orders"));
            Detection grown = Runs.run(d, s);
            Finding f = Runs.finding(grown, "group billing of stream orders").orElseThrow();
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.problem()).isEqualTo(Problem.DUPLICATE_EVENT_PROCESSING);
            assertThat(f.evidence()).containsEntry("pending", 1500L).containsEntry("pending_before", 1200L);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Detection later = Runs.run(d, s);
                Finding idle = Runs.finding(later, "consumer worker-1").orElseThrow(() -> new AssertionError(later.toString()));
                assertThat(idle.evidence()).containsEntry("pending", 1200L);
            });
        }
    }

    /**
     * A streams run looks up every key it scans (TYPE) and every stream's groups and consumers (XINFO): the raw
     * keyspace counters move by thousands, and the window redis.cache-efficiency judges holds the clients'
     * lookups only, exactly, in a scheduled run and in a one-shot check (where the baseline pass walks too).
     */
    @Test
    void theLookupsOfAStreamsRunStayOutOfTheHitRatio() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("events", redis.url())) {
            redis.fill(KEYS, KEYS, i -> "page:" + i, i -> "v");
            for (String stream : java.util.List.of("orders", "payments", "mails")) {
                redis.redis().xadd(stream, Map.of("id", "1"));
                redis.redis().xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "workers");
                redis.redis().xreadgroup(Consumer.from("workers", "w1"), XReadArgs.StreamOffset.lastConsumed(stream));
            }
            Detector cache = Runs.detector(target, "redis.cache-efficiency");
            Detector streams = Runs.detector(target, "redis.streams");
            Map<String, String> s = Map.of("min-lookups", "100");

            // scheduled: the clients' 200 hits and 100 misses, and a whole streams run, in one window
            Runs.run(cache, s);
            long[] before = keyspace(redis);
            for (int i = 0; i < 200; i++) {
                redis.redis().get("page:" + i);
            }
            for (int i = 0; i < 100; i++) {
                redis.redis().get("absent:" + i);
            }
            Detection run = Runs.run(streams, Map.of("scan.keys", "100000"));
            assertThat(Runs.signal(run, "redis.streams.pending_max", redis.address())).contains(1.0);
            long[] after = keyspace(redis);
            Detection judged = Runs.run(cache, s);
            Finding f = Runs.finding(judged, "hit ratio").orElseThrow(() -> new AssertionError(judged.toString()));
            long rawHits = after[0] - before[0];
            long rawMisses = after[1] - before[1];
            System.out.printf("STREAMS SELF-NOISE scheduled: raw +%d hits +%d misses; judged %s hits %s misses, "
                            + "ratio %s; left out %s hits %s misses%n", rawHits, rawMisses, f.evidence().get("hits"),
                    f.evidence().get("misses"), f.evidence().get("hit_ratio"), f.evidence().get("own_hits_left_out"),
                    f.evidence().get("own_misses_left_out"));
            // TYPE of every key (the streams too), XINFO GROUPS and XINFO CONSUMERS of each of the three streams
            assertThat(rawHits).isEqualTo(200 + (KEYS + 3) + 3 + 3);
            assertThat(f.evidence()).containsEntry("hits", 200L).containsEntry("misses", 100L)
                    .containsEntry("hit_ratio", 0.667).containsEntry("own_hits_left_out", rawHits - 200)
                    .containsEntry("own_misses_left_out", rawMisses - 100);

            // one-shot: the baseline pass walks this small keyspace as well; the check's window holds no lookup of ours
            long[] start = keyspace(redis);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (DetectorEngine engine = DetectorEngine.builder()
                    .detectors(java.util.List.of(Runs.detector(target, "redis.cache-efficiency"), Runs.detector(target, "redis.streams")))
                    .settings(Map.of("redis.cache-efficiency.min-lookups", "100")).build()) {
                engine.bindTo(registry);
                Report report = engine.runOnce(Duration.ofSeconds(1));
                assertThat(report.runs()).allSatisfy(r -> assertThat(r.outcome().kind()).isEqualTo("ok"));
            }
            long raw = keyspace(redis)[0] + keyspace(redis)[1] - start[0] - start[1];
            Gauge lookups = registry.find("telltale.redis.cache.lookups").tag("node", redis.address()).gauge();
            System.out.printf("STREAMS SELF-NOISE one-shot: raw +%d lookups; judged lookups/s %s%n", raw, lookups.value());
            assertThat(raw).isGreaterThanOrEqualTo(2L * KEYS);
            assertThat(lookups.value()).isZero();
        }
    }

    /** The server's keyspace_hits and keyspace_misses. */
    private static long[] keyspace(LocalRedis redis) {
        String info = redis.redis().info("stats");
        return new long[] {field(info, "keyspace_hits"), field(info, "keyspace_misses")};
    }

    private static long field(String info, String name) {
        return info.lines().filter(l -> l.startsWith(name + ":")).mapToLong(l -> Long.parseLong(l.substring(name.length() + 1).strip()))
                .findFirst().orElseThrow();
    }
}
