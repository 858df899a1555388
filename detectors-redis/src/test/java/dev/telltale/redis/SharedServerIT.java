package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test kit's Redis (the shared server in CI, read-only for us: only our logical database and key
 * prefix are written): the read-only detectors run and publish, and the big-key scan stays inside the
 * class's database.
 */
@ExtendWith(RedisExtension.class)
class SharedServerIT {
    static final Set<String> READ_ONLY = Set.of("redis.memory", "redis.clients", "redis.persistence", "redis.replication",
            "redis.slow-commands", "redis.cache-efficiency");

    @Test
    void readOnlyDetectorsAndAScanLimitedToTheClassDatabase(TestRedis redis) throws Exception {
        if (LocalRedis.embedded()) {
            assertThat(redis.source()).isEqualTo("embedded");
            assertThat(redis.redisVersion()).startsWith("6.2");
        }
        RedisURI uri = RedisURI.create(redis.uri());
        uri.setLibraryName("");
        uri.setLibraryVersion("");
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect();
             RedisTarget target = RedisTarget.fromUrl("shared", redis.uri()).keyNames(KeyNames.full())) {
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < 6000; i++) {
                fields.put("sku" + i, "1");
            }
            c.sync().hset(redis.keyPrefix() + "catalog", fields);
            for (int i = 0; i < 100; i++) {
                c.sync().set(redis.keyPrefix() + "small:" + i, "v");
            }

            List<Detector> detectors = RedisDetectors.forTarget(target);
            for (Detector d : detectors) {
                if (READ_ONLY.contains(d.id())) {
                    Runs.run(d);
                    Detection second = Runs.run(d);
                    assertThat(second.isSkipped()).as(d.id()).isFalse();
                    assertThat(second.signals()).as(d.id()).isNotEmpty();
                    assertThat(second.signals()).allSatisfy(s -> assertThat(s.tagValues().get(0)).isEqualTo(redis.host() + ":" + redis.port()));
                }
            }
            Detection big = Runs.run(Runs.detector(target, "redis.big-keys"));
            Finding f = Runs.finding(big, "key " + redis.keyPrefix() + "catalog").orElseThrow();
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.evidence()).containsEntry("size", 6000L).containsEntry("type", "hash");
            assertThat(big.findings()).allSatisfy(x -> assertThat(x.subject()).contains(redis.keyPrefix()));
            assertThat(Runs.signal(big, "redis.keys.scanned", redis.host() + ":" + redis.port()).orElseThrow()).isEqualTo(101.0);
        } finally {
            client.shutdown();
        }
    }
}
