package dev.telltale.postgres.support;

import dev.telltale.testkit.TestPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server process of a test's own, for server-wide settings, replicas and second primaries that
 * must never touch the shared server: initdb (or pg_basebackup from another private server) into a directory
 * under /tmp, started with pg_ctl on a free loopback port from the test kit's binaries, stopped and deleted
 * by {@link #close()}.
 */
public final class PrivateServer implements AutoCloseable {
    private final TestPostgres kit;
    private final Path dir;
    private final Path data;
    private final int port;
    private boolean running;

    private PrivateServer(TestPostgres kit, Path dir, int port) {
        this.kit = kit;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    /** A fresh primary with {@code settings} ("name = value" lines) added to postgresql.conf. */
    public static PrivateServer primary(TestPostgres kit, String... settings) throws Exception {
        return primary(kit, List.of(), settings);
    }

    /** A fresh primary initialised with extra initdb arguments ({@code --data-checksums}). */
    public static PrivateServer primary(TestPostgres kit, List<String> initdbArgs, String... settings) throws Exception {
        return started(kit, s -> {
            List<String> args = new ArrayList<>(List.of("-D", s.data.toString(), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"));
            args.addAll(initdbArgs);
            s.run("initdb", args.toArray(String[]::new));
        }, settings);
    }

    /** A streaming standby of {@code primary}, copied with pg_basebackup (needs the program in the kit's binaries). */
    public static PrivateServer standbyOf(PrivateServer primary, String... settings) throws Exception {
        return started(primary.kit, s -> s.run("pg_basebackup", "-h", "127.0.0.1", "-p", Integer.toString(primary.port),
                "-U", "postgres", "-D", s.data.toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync"), settings);
    }

    /** How a new server's data directory is made: initdb, or a copy of another server. */
    @FunctionalInterface
    private interface DataStep {
        void make(PrivateServer s) throws Exception;
    }

    /** A server in a fresh directory under /tmp, its data made by {@code data}, then configured and started; removed if any step fails. */
    private static PrivateServer started(TestPostgres kit, DataStep data, String... settings) throws Exception {
        PrivateServer s = new PrivateServer(kit, Files.createTempDirectory(Path.of("/tmp"), "ttpg-"), freePort());
        try {
            data.make(s);
            s.configure(settings);
            s.start();
            return s;
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    /** Whether the kit's binaries include {@code program} (zonky's embedded ones have no pg_basebackup). */
    public static boolean hasProgram(TestPostgres kit, String program) {
        return kit.binDir().map(d -> Files.isExecutable(d.resolve(program))).orElse(false);
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database));
    }

    /** Promotes a standby to a primary (pg_ctl promote, waiting until it is done). */
    public void promote() throws Exception {
        run("pg_ctl", "-D", data.toString(), "-w", "-t", "60", "promote");
    }

    /** Stops the server cleanly (a shutdown checkpoint writes every page), runs {@code whileDown}, starts it again. */
    public void restartAround(ThrowingRunnable whileDown) throws Exception {
        run("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
        running = false;
        whileDown.run();
        start();
    }

    /** The data directory, for tests that damage files on purpose. */
    public Path dataDir() {
        return data;
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    private void configure(String... settings) throws IOException {
        List<String> lines = new ArrayList<>(List.of("", "port = " + port, "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + dir + "'", "fsync = off", "synchronous_commit = off",
                "full_page_writes = off", "shared_buffers = 16MB", "max_connections = 20", "logging_collector = off"));
        lines.addAll(List.of(settings));
        Files.writeString(data.resolve("postgresql.conf"), String.join("\n", lines) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
    }

    private void start() throws Exception {
        run("pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start");
        running = true;
    }

    private void run(String program, String... args) throws Exception {
        ProcessBuilder pb = kit.binary(program, args).redirectErrorStream(true)
                .redirectOutput(dir.resolve(program + ".out").toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(program + " did not finish in 120 s");
        }
        if (p.exitValue() != 0) {
            String log = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
            throw new IllegalStateException(program + " failed with " + p.exitValue() + ": "
                    + Files.readString(dir.resolve(program + ".out")) + "\n" + log);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (running) {
                running = false;
                run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "-t", "60", "stop");
            }
        } finally {
            if (Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
