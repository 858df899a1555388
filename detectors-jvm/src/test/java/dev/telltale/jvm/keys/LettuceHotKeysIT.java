package dev.telltale.jvm.keys;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.TestRedis;
import dev.telltale.testkit.DetectorHarness;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** Real Lettuce traffic against the real Redis, counted client-side by a command listener. */
@ExtendWith(RedisExtension.class)
class LettuceHotKeysIT {
    private final TestRedis redis;
    private RedisClient client;
    private HotKeys keys;

    LettuceHotKeysIT(TestRedis redis) {
        this.redis = redis;
    }

    @BeforeEach
    void connect() {
        keys = HotKeys.builder("redis").build();
        client = RedisClient.create(redis.uri());
        client.addListener(new LettuceHotKeys(keys));
    }

    @AfterEach
    void close() {
        client.shutdown();
    }

    /** Sends {@code count} GETs, pipelined in batches, and waits for every reply. */
    private void gets(int count, IntFunction<String> key) {
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.setAutoFlushCommands(false);
            RedisAsyncCommands<String, String> async = c.async();
            List<RedisFuture<String>> batch = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                batch.add(async.get(key.apply(i)));
                if (batch.size() == 1000 || i == count - 1) {
                    c.flushCommands();
                    assertThat(LettuceFutures.awaitAll(Duration.ofSeconds(30), batch.toArray(new RedisFuture[0]))).isTrue();
                    batch.clear();
                }
            }
        }
    }

    @Test
    void oneHotKeyAmongAHundredThousandIsFoundClientSide() throws Exception {
        String prefix = redis.keyPrefix();
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().set(prefix + "product:celebrity", "{\"name\":\"the one everyone wants\"}", io.lettuce.core.SetArgs.Builder.ex(60));
        }
        // 100,000 distinct keys read once each, and the celebrity read on every 20th command
        gets(105_000, i -> i % 21 == 20 ? prefix + "product:celebrity" : prefix + "product:" + i);
        Detector detector = KeysDetectors.hotKeys("redis", keys);

        Detection d = DetectorHarness.of(detector).run();

        assertThat(d.findings()).hasSize(1);
        Finding f = d.findings().get(0);
        assertThat(f.problem()).isEqualTo(Problem.HOT_PARTITION);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.subject()).isEqualTo("key " + prefix + "product:celebrity");
        // the SET and 5000 GETs, within space-saving's bounds: guaranteed <= 5001 <= upper bound
        assertThat((Long) f.evidence().get("hits")).isBetween(4_900L, 5_001L);
        assertThat((Long) f.evidence().get("hits.upper-bound")).isGreaterThanOrEqualTo(5_001L);
        assertThat((Long) f.evidence().get("records")).isGreaterThanOrEqualTo(105_000L);
        assertThat((Long) f.evidence().get("distinct-keys")).isBetween(95_000L, 106_000L);
        assertThat(d.signals()).anySatisfy(s -> {
            assertThat(s.spec().name()).isEqualTo("keys.top.hits");
            assertThat(s.tagValues()).containsExactly("redis", "1");
            assertThat(s.value()).isBetween(4_900.0, 5_001.0);
        });
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().del(prefix + "product:celebrity");
        }
    }

    @Test
    void evenTrafficHasNoHotKey() throws Exception {
        String prefix = redis.keyPrefix();
        Random random = new Random(3);
        gets(50_000, i -> prefix + "session:" + random.nextInt(5_000));
        Detector detector = KeysDetectors.hotKeys("redis", keys);

        Detection d = DetectorHarness.of(detector).run();

        assertThat(d.findings()).isEmpty();
        assertThat(d.signals()).anySatisfy(s -> {
            assertThat(s.spec().name()).isEqualTo("keys.records");
            assertThat(s.value()).isGreaterThanOrEqualTo(50_000);
        });
    }
}
