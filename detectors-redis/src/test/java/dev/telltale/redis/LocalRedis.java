package dev.telltale.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.awaitility.Awaitility.await;

/**
 * A private redis-server process on a free loopback port, for tests that change server config or need
 * replicas or a cluster (never the shared server). The binary is the machine's {@code redis-server}, or,
 * with the test kit's {@code -Dtelltale.test.redis.binary=embedded}, the Redis 6.2 binary bundled in embedded-redis.
 * (The test kit's {@code TestRedis.startServer} does the same; this helper predates it and also hands the
 * test a connected client.)
 */
public final class LocalRedis implements AutoCloseable {
    private static final String EMBEDDED = "redis-server-6.2.6-v5-linux-amd64";
    private static Path embeddedBinary;

    private final Process process;
    private final int port;
    private final Path dir;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    private LocalRedis(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        RedisURI uri = RedisURI.create("127.0.0.1", port);
        uri.setLibraryName("");
        uri.setLibraryVersion("");
        this.client = RedisClient.create(uri);
        client.setOptions(io.lettuce.core.ClientOptions.builder()
                .maintNotificationsConfig(io.lettuce.core.MaintNotificationsConfig.disabled()).build());
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("log")));
                    }
                    try (var c = client.connect()) {
                        return "PONG".equals(c.sync().ping());
                    }
                });
        this.connection = client.connect();
    }

    public static LocalRedis start(String... extraArgs) {
        try {
            return startOn(freePort(), extraArgs);
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port", e);
        }
    }

    /** A server on a given port: a node that comes back where it was. */
    public static LocalRedis startOn(int port, String... extraArgs) {
        try {
            Path dir = Files.createTempDirectory("telltale-redis-" + port + "-");
            List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no", "--protected-mode", "no"));
            cmd.addAll(List.of(extraArgs));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
            return new LocalRedis(p, port, dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    /** True when the tests run on the bundled 6.2 binary (the test kit's {@code telltale.test.redis.binary=embedded}). */
    public static boolean embedded() {
        return "embedded".equals(System.getProperty("telltale.test.redis.binary"));
    }

    static synchronized Path binary() throws IOException {
        if (!embedded()) {
            return Path.of("redis-server");
        }
        if (embeddedBinary == null) {
            Path target = Files.createTempFile("redis-server-6.2-", "");
            try (InputStream in = LocalRedis.class.getClassLoader().getResourceAsStream(EMBEDDED)) {
                if (in == null) {
                    throw new IllegalStateException(EMBEDDED + " not on the test classpath (embedded-redis)");
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            target.toFile().setExecutable(true);
            target.toFile().deleteOnExit();
            embeddedBinary = target;
        }
        return embeddedBinary;
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    /** The test's own connection, for setting up data and config. */
    public RedisCommands<String, String> redis() {
        return connection.sync();
    }

    /** A target named {@code name} on this server; the caller closes it. */
    public RedisTarget target(String name) {
        return RedisTarget.fromUrl(name, url());
    }

    /** Writes string keys {@code key(i)} = {@code value(i)} for {@code i} from 0 to {@code count - 1}, {@code batch} per MSET. */
    public void fill(int count, int batch, IntFunction<String> key, IntFunction<String> value) {
        Map<String, String> kv = new HashMap<>();
        for (int i = 0; i < count; i++) {
            kv.put(key.apply(i), value.apply(i));
            if (kv.size() == batch || i == count - 1) {
                redis().mset(kv);
                kv.clear();
            }
        }
    }

    /** Writes the hash {@code key} with fields {@code f0} to {@code f<count - 1>}, each {@code "v"}, {@code batch} per HSET. */
    public void fillHash(String key, int count, int batch) {
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i < count; i++) {
            fields.put("f" + i, "v");
            if (fields.size() == batch || i == count - 1) {
                redis().hset(key, fields);
                fields.clear();
            }
        }
    }

    public RedisClient client() {
        return client;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // already gone (PersistenceIT deletes it under the server)
        }
    }
}
