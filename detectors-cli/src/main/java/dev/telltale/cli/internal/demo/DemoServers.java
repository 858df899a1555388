package dev.telltale.cli.internal.demo;

import dev.telltale.cli.internal.CliException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The demo's own servers, nothing installed: PostgreSQL 17 from zonky's embedded binaries (as root it runs
 * under {@code unshare -U}, which PostgreSQL accepts) and a {@code redis-server} on a free loopback port
 * (the machine's, else one of embedded-redis's builds); {@link DemoBinaries} finds the binaries outside telltale.jar. Both are configured for the demo (LFU eviction
 * for hot-key sampling, no autovacuum so dead tuples stay visible) and stopped on close.
 */
final class DemoServers implements AutoCloseable {
    private static final Path WORK = Path.of(System.getProperty("java.io.tmpdir"), "telltale-demo");

    private final EmbeddedPostgres postgres;
    private final Process redis;
    private final int redisPort;
    private final String redisOrigin;

    private DemoServers(EmbeddedPostgres postgres, Process redis, int redisPort, String redisOrigin) {
        this.postgres = postgres;
        this.redis = redis;
        this.redisPort = redisPort;
        this.redisOrigin = redisOrigin;
    }

    static DemoServers start() throws IOException {
        Files.createDirectories(WORK);
        Path pgLog = WORK.resolve("postgres.log");
        DemoBinaries binaries = DemoBinaries.forThisProcess();
        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder()
                    .setPgBinaryResolver(binaries::postgres)
                    .setOverrideWorkingDirectory(WORK.resolve("pg").toFile())
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setServerConfig("track_io_timing", "on")
                    .setServerConfig("autovacuum", "off")
                    .setServerConfig("deadlock_timeout", "200ms")
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setPGStartupWait(Duration.ofSeconds(90))
                    .setOutputRedirector(ProcessBuilder.Redirect.to(pgLog.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.to(pgLog.toFile()))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new CliException("cannot start the embedded PostgreSQL: " + e.getMessage() + " (log: " + pgLog + ")", e);
        }
        Process redis = null;
        try {
            Path binary = redisBinary(binaries);
            int port = freePort();
            redis = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lfu",
                    "--lfu-decay-time", "1", "--lfu-log-factor", "1", "--slowlog-log-slower-than", "10000", "--protected-mode", "no",
                    "--dir", WORK.toString())
                    .redirectErrorStream(true).redirectOutput(WORK.resolve("redis.log").toFile()).start();
            waitForRedis(port, redis);
            return new DemoServers(pg, redis, port, binary.toString());
        } catch (IOException | RuntimeException e) {
            if (redis != null) {
                redis.destroyForcibly();
            }
            pg.close();
            throw e instanceof CliException c ? c : new CliException("cannot start redis-server for the demo: " + e.getMessage(), e);
        }
    }

    /** A JDBC URL of a database on the embedded server (user postgres, no password). */
    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database + "?user=postgres";
    }

    String postgresUrl(String database) {
        return "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/" + database;
    }

    String redisUrl() {
        return "redis://127.0.0.1:" + redisPort + "/0";
    }

    int redisPort() {
        return redisPort;
    }

    String describe() {
        return "PostgreSQL 17 (embedded) on 127.0.0.1:" + postgres.getPort() + ", Redis on 127.0.0.1:" + redisPort
                + " (" + redisOrigin + ")";
    }

    void createDatabase(String name) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres")); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl(name)); Statement s = c.createStatement()) {
            s.execute("create extension if not exists pg_stat_statements");
        }
    }

    @Override
    public void close() {
        redis.destroy();
        try {
            if (!redis.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                redis.destroyForcibly();
            }
        } catch (InterruptedException e) {
            redis.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            postgres.close();
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }

    private static void waitForRedis(int port, Process redis) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!redis.isAlive()) {
                throw new IOException("redis-server exited with status " + redis.exitValue() + "; see " + WORK.resolve("redis.log"));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(1000);
                s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[16];
                int n = s.getInputStream().read(buf);
                if (n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(100); // polling a starting process: nothing to wait on but time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for redis-server");
            }
        }
        throw new IOException("redis-server did not answer PING on port " + port + (last == null ? "" : ": " + last.getMessage()));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Path redisBinary(DemoBinaries binaries) throws IOException {
        Optional<Path> onPath = Arrays.stream((System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":"))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "redis-server")).filter(Files::isExecutable).findFirst();
        if (onPath.isPresent()) {
            return onPath.get();
        }
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.equals("aarch64") || arch.equals("arm64");
        String resource = os.contains("mac") ? (arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64")
                : arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        Path target = WORK.resolve(resource);
        binaries.redisServer(resource, target);
        return target;
    }
}
