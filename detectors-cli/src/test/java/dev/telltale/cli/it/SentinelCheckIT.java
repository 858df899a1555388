package dev.telltale.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.RedisServerProcess;
import dev.telltale.testkit.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code check --sentinel} on a real group (three private sentinels, a master and a replica): the target is of
 * kind {@code sentinel} and named by its master; after the master is killed and the sentinels fail over, the
 * check runs the Redis detectors on the new master and reports the old one as a replica the sentinels see down.
 */
@ExtendWith(RedisExtension.class)
class SentinelCheckIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode check(String url) throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "check", "--sentinel", url, "--window", "1s", "--format", "json");
        assertThat(r.out()).as(r.err()).startsWith("{");
        return JSON.readTree(r.out());
    }

    private static List<JsonNode> findings(JsonNode report, String detector) {
        return StreamSupport.stream(report.get("findings").spliterator(), false)
                .filter(f -> f.get("detector").asText().equals(detector)).toList();
    }

    @Test
    void aHealthyGroupIsSilentThenAFailoverIsFollowed(TestRedis redis) throws Exception {
        RedisServerProcess master = redis.startServer();
        RedisServerProcess replica = redis.startServer("--replicaof", "127.0.0.1", Integer.toString(master.port()));
        List<RedisServerProcess> sentinels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sentinels.add(redis.startSentinel("mymaster", master.port(), 2, "--sentinel", "down-after-milliseconds", "mymaster",
                    "1000", "--sentinel", "failover-timeout", "mymaster", "4000"));
        }
        String url = "redis-sentinel://127.0.0.1:" + sentinels.get(0).port() + "/mymaster";

        // the sentinels find each other and the replica within a few hello rounds: then the group is healthy
        JsonNode healthy = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> check(url),
                // healthy: nothing above INFO (redis.security notes the test servers' password-less default user)
                r -> StreamSupport.stream(r.get("findings").spliterator(), false).allMatch(f -> f.get("severity").asText().equals("INFO"))
                        && signal(r, "redis.sentinel.usable_sentinels") == 3.0
                        && signal(r, "redis.sentinel.replicas") == 1.0);
        JsonNode target = healthy.get("targets").get(0);
        assertThat(target.get("kind").asText()).isEqualTo("sentinel");
        assertThat(target.get("name").asText()).isEqualTo("127.0.0.1:" + sentinels.get(0).port() + ":mymaster");
        assertThat(healthy.get("status").asText()).isEqualTo("OK");
        assertThat(StreamSupport.stream(healthy.get("runs").spliterator(), false).map(r -> r.get("detector").asText()))
                .contains("redis.sentinel.master", "redis.sentinel.quorum", "redis.sentinel.agreement", "redis.sentinel.replicas",
                        "redis.replication");

        String oldMaster = "127.0.0.1:" + master.port();
        String newMaster = "127.0.0.1:" + replica.port();
        master.close();
        JsonNode after = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> check(url),
                r -> findings(r, "redis.sentinel.replicas").stream()
                        .anyMatch(f -> f.get("subject").asText().equals("replica " + oldMaster + " of mymaster down")));
        assertThat(after.get("status").asText()).isEqualTo("WARNING");
        assertThat(after.get("targets").get(0).get("state").asText()).isEqualTo("up");
        // the per-node detectors now run on the promoted replica, as master
        assertThat(StreamSupport.stream(after.get("runs").spliterator(), false)
                .filter(r -> r.get("detector").asText().equals("redis.replication"))
                .flatMap(r -> StreamSupport.stream(r.get("signals").spliterator(), false))
                .filter(s -> s.get("name").asText().equals("redis.replication.replicas")))
                .anySatisfy(s -> assertThat(s.get("tags").get("node").asText() + " " + s.get("tags").get("role").asText())
                        .isEqualTo(newMaster + " master"));
    }

    private static double signal(JsonNode report, String name) {
        return StreamSupport.stream(report.get("runs").spliterator(), false)
                .filter(r -> r.has("signals"))
                .flatMap(r -> StreamSupport.stream(r.get("signals").spliterator(), false))
                .filter(s -> s.get("name").asText().equals(name)).mapToDouble(s -> s.get("value").asDouble()).findFirst().orElse(-1);
    }
}
