package dev.telltale.postgres.integrity;

import dev.telltale.testkit.TestPostgres;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of our own on a free loopback port (never a change to the shared server), from the
 * test kit's binaries; as root it runs in a user namespace the way the test kit does it. Stopped and
 * deleted by {@link #close()}.
 */
final class PrivateServer implements AutoCloseable {
    private final TestPostgres pg;
    private final Path dir;
    private final Path data;
    private final int port;

    private PrivateServer(TestPostgres pg, Path dir, int port) {
        this.pg = pg;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    static PrivateServer start(TestPostgres pg, String... settings) throws Exception {
        Path dir = Files.createTempDirectory("telltale-integrity-");
        PrivateServer s = new PrivateServer(pg, dir, freePort());
        try {
            s.run(s.program("initdb", "-D", s.data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"), "initdb");
            Path sock = Files.createDirectories(dir.resolve("sock"));
            StringBuilder opts = new StringBuilder("-p " + s.port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                    + sock + " -c fsync=off -c max_connections=30 -c shared_buffers=32MB");
            for (String setting : settings) {
                opts.append(" -c ").append(setting);
            }
            s.run(s.program("pg_ctl", "-D", s.data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                    "start", "-o", opts.toString()), "start");
            return s;
        } catch (Exception | AssertionError e) {
            s.close();
            throw e;
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    /** A libpq connection string, for CREATE SUBSCRIPTION. */
    String conninfo() {
        return "host=127.0.0.1 port=" + port + " user=postgres dbname=postgres";
    }

    private ProcessBuilder program(String name, String... args) {
        if (pg.binDir().isPresent()) {
            return pg.binary(name, args);
        }
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(Path.of("/usr/lib/postgresql/" + (pg.serverVersionNum() / 10000) + "/bin", name).toString());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private void run(ProcessBuilder builder, String step) throws IOException, InterruptedException {
        Path log = dir.resolve(step + ".log");
        Process p = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            String server = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
            throw new IllegalStateException(step + " of a private server failed: " + Files.readString(log) + server);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(program("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop"), "stop");
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
