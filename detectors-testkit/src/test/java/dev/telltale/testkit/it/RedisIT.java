package dev.telltale.testkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.RedisServerProcess;
import dev.telltale.testkit.TestRedis;
import dev.telltale.testkit.internal.RedisEndpoint;
import dev.telltale.testkit.internal.RespClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisIT {

    @Test
    void runsRealCommandsInItsOwnDatabase(TestRedis redis) throws IOException {
        assertThat(redis.database()).isBetween(1, 15);
        assertThat(redis.uri()).endsWith(":" + redis.port() + "/" + redis.database());
        assertThat(redis.keyPrefix()).matches("tt:[0-9a-f]{6}:");
        try (RespClient client = connect(redis.host(), redis.port())) {
            client.call("SELECT", Integer.toString(redis.database()));
            assertThat(client.call("DBSIZE")).as("fresh database").isEqualTo(0L);
            client.call("SET", redis.keyPrefix() + "greeting", "hello");
            assertThat(client.call("GET", redis.keyPrefix() + "greeting")).isEqualTo("hello");
            assertThat(client.info("server", "redis_version")).contains(redis.redisVersion());
        }
    }

    @Test
    void sourceIsEnvWhenUrlIsSet(TestRedis redis) {
        if (System.getenv("TELLTALE_TEST_REDIS_URL") != null) {
            assertThat(redis.source()).isEqualTo("env");
        }
        assertThat(redis.source()).isIn("env", "testcontainers", "embedded");
    }

    @Test
    void privateServerTakesConfigAndStopsOnClose(TestRedis redis) throws IOException {
        RedisServerProcess server = redis.startServer("--maxmemory", "1mb", "--maxmemory-policy", "allkeys-lru");
        assertThat(server.port()).isNotEqualTo(redis.port());
        assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port() + "/0");
        try (RespClient client = connect(server.host(), server.port())) {
            assertThat(client.call("CONFIG", "GET", "maxmemory")).isEqualTo(List.of("maxmemory", "1048576"));
            assertThat(client.info("server", "redis_version")).contains(server.version());
        }
        server.close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThatThrownBy(() -> connect(server.host(), server.port()).close()).isInstanceOf(IOException.class));
    }

    @Test
    void privateServersCanReplicate(TestRedis redis) throws IOException {
        RedisServerProcess primary = redis.startServer();
        RedisServerProcess replica = redis.startServer("--replicaof", primary.host(), Integer.toString(primary.port()));
        try (RespClient p = connect(primary.host(), primary.port()); RespClient r = connect(replica.host(), replica.port())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> r.info("replication", "master_link_status").orElse(""), "up"::equals);
            p.call("SET", "k", "v");
            await().atMost(Duration.ofSeconds(10)).until(() -> r.callForString("GET", "k").orElse(""), "v"::equals);
            assertThat(r.info("replication", "role")).contains("slave");
        }
        // replica and primary are left for the class end to stop
    }

    private static RespClient connect(String host, int port) throws IOException {
        return RespClient.connect(new RedisEndpoint(host, port, "", ""), Duration.ofSeconds(2));
    }
}
