package dev.telltale.testkit.it.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.RedisServerProcess;
import dev.telltale.testkit.TestRedis;
import dev.telltale.testkit.internal.RedisEndpoint;
import dev.telltale.testkit.internal.RespClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs without the env URL with the Redis 6.2 bundled in embedded-redis (embedded-its, which sets
 * {@code telltale.it.redis.version=6.2.}) and with the machine's redis-server forced (pg13-its).
 */
@ExtendWith(RedisExtension.class)
class EmbeddedRedisIT {

    @Test
    void isTheEmbeddedServerOfTheExpectedVersion(TestRedis redis) throws Exception {
        assertThat(redis.source()).isEqualTo("embedded");
        assertThat(redis.host()).isEqualTo("127.0.0.1");
        assertThat(redis.port()).isNotEqualTo(6379);
        try (RespClient client = connect(redis.host(), redis.port())) {
            String version = client.info("server", "redis_version").orElseThrow();
            assertThat(version).isEqualTo(redis.redisVersion()).startsWith(expectedVersion());
            client.call("SELECT", Integer.toString(redis.database()));
            client.call("SET", redis.keyPrefix() + "k", "v");
            assertThat(client.call("GET", redis.keyPrefix() + "k")).isEqualTo("v");
            assertThat(client.call("CONFIG", "GET", "save")).asList().containsExactly("save", "");
        }
    }

    @Test
    void privateServerUsesTheSameBinary(TestRedis redis) throws IOException {
        try (RedisServerProcess server = redis.startServer("--slowlog-log-slower-than", "0")) {
            assertThat(server.version()).isEqualTo(redis.redisVersion());
            try (RespClient client = connect(server.host(), server.port())) {
                client.call("PING");
                assertThat(client.call("SLOWLOG", "LEN")).isInstanceOf(Long.class);
            }
        }
    }

    /** The configured prefix, else (machine binary) whatever {@code redis-server --version} says. */
    private static String expectedVersion() throws Exception {
        String configured = System.getProperty("telltale.it.redis.version");
        if (configured != null) {
            return configured;
        }
        Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        // "Redis server v=7.0.15 sha=..."
        return out.substring(out.indexOf("v=") + 2, out.indexOf(' ', out.indexOf("v=")));
    }

    private static RespClient connect(String host, int port) throws IOException {
        return RespClient.connect(new RedisEndpoint(host, port, "", ""), Duration.ofSeconds(2));
    }
}
