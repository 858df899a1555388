package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import io.lettuce.core.Consumer;
import io.lettuce.core.XReadArgs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StreamsIT {

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
}
