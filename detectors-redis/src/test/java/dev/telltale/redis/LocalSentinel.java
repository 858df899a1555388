package dev.telltale.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A private Redis Sentinel ({@code redis-server <conf> --sentinel}, the binary {@link LocalRedis} uses) on a free
 * loopback port, monitoring one master with short timeouts so that tests see s_down, o_down and a failover
 * within seconds. Its config file lives in a temporary directory it deletes on close (Sentinel rewrites it).
 */
final class LocalSentinel implements AutoCloseable {
    static final String MASTER = "mymaster";
    static final int DOWN_AFTER_MS = 1000;

    private final Process process;
    private final int port;
    private final Path dir;

    private LocalSentinel(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("sentinel exited: " + Files.readString(dir.resolve("log")));
            }
            return "PONG".equals(withConnection(c -> c.sync().ping()));
        });
    }

    /**
     * A sentinel monitoring {@code masterPort} on 127.0.0.1 as {@link #MASTER} with {@code quorum}, the data
     * nodes' password {@code authPass} (null for none).
     */
    static LocalSentinel monitoring(int masterPort, int quorum, String authPass) {
        try {
            int port = LocalRedis.freePort();
            Path dir = Files.createTempDirectory("telltale-sentinel-" + port + "-");
            Path conf = dir.resolve("sentinel.conf");
            StringBuilder c = new StringBuilder()
                    .append("port ").append(port).append('\n')
                    .append("bind 127.0.0.1\n")
                    .append("protected-mode no\n")
                    .append("daemonize no\n")
                    .append("dir ").append(dir).append('\n')
                    .append("sentinel monitor ").append(MASTER).append(" 127.0.0.1 ").append(masterPort).append(' ').append(quorum).append('\n')
                    .append("sentinel down-after-milliseconds ").append(MASTER).append(' ').append(DOWN_AFTER_MS).append('\n')
                    .append("sentinel failover-timeout ").append(MASTER).append(" 4000\n")
                    .append("sentinel parallel-syncs ").append(MASTER).append(" 2\n");
            if (authPass != null) {
                c.append("sentinel auth-pass ").append(MASTER).append(' ').append(authPass).append('\n');
            }
            Files.writeString(conf, c);
            Process p = new ProcessBuilder(List.of(LocalRedis.binary().toString(), conf.toString(), "--sentinel"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
            return new LocalSentinel(p, port, dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a sentinel", e);
        }
    }

    int port() {
        return port;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    /** SENTINEL MASTER as this sentinel answers it, on a short-lived connection of the test's own. */
    Map<String, String> master() {
        return withConnection(c -> c.sync().master(MASTER));
    }

    private <T> T withConnection(java.util.function.Function<StatefulRedisSentinelConnection<String, String>, T> f) {
        RedisURI uri = RedisURI.create("127.0.0.1", port);
        uri.setLibraryName("");
        uri.setLibraryVersion("");
        RedisClient client = RedisClient.create(uri);
        client.setOptions(io.lettuce.core.ClientOptions.builder()
                .maintNotificationsConfig(io.lettuce.core.MaintNotificationsConfig.disabled()).build());
        try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel()) {
            return f.apply(c);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** Stops the process and waits for it to exit. */
    void stop() {
        LocalRedis.stop(process);
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // already gone
        }
    }
}
