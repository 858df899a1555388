package dev.telltale.postgres.internal.activity;

import dev.telltale.testkit.TestPostgres;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A PostgreSQL server of our own, from the test server's binaries, on a free loopback port: for settings the
 * shared server must not change (max_prepared_transactions), for stopping a server under a detector, and for a
 * quiet server whose every session is ours.
 */
final class PrivateServer implements AutoCloseable {
    private final TestPostgres pg;
    private final Path dir;
    private final Path data;
    private final int port;
    private final String options;
    private boolean running;

    private PrivateServer(TestPostgres pg, Path dir, int port, String options) {
        this.pg = pg;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.options = options;
    }

    /** initdb and start; {@code settings} are extra {@code -c name=value} options. */
    static PrivateServer start(TestPostgres pg, Path dir, String... settings) throws Exception {
        StringBuilder options = new StringBuilder();
        for (String s : settings) {
            options.append(" -c ").append(s);
        }
        PrivateServer server = new PrivateServer(pg, dir, freePort(), options.toString());
        server.run(pg.binary("initdb", "-D", server.data.toString(), "-U", "postgres", "-A", "trust", "--no-sync"), "initdb.log");
        server.startAgain();
        return server;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    void startAgain() throws Exception {
        Path socketDir = Files.createDirectories(dir.resolve("sock"));
        run(pg.binary("pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "start", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + socketDir + " -c fsync=off"
                        + options), "start.log");
        running = true;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            try (Connection c = connect()) {
                return c.isValid(5);
            }
        });
    }

    void stop() throws Exception {
        run(pg.binary("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "stop"), "stop.log");
        running = false;
    }

    @Override
    public void close() throws Exception {
        if (running) {
            run(pg.binary("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop"), "stop.log");
            running = false;
        }
    }

    private void run(ProcessBuilder builder, String logName) throws IOException, InterruptedException {
        Path log = dir.resolve(logName);
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(builder.command() + " did not finish in 120 s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(builder.command() + " failed: " + Files.readString(log));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
