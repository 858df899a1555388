package dev.telltale.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import dev.telltale.testkit.internal.ChildProcesses;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A private {@code pgbouncer} child process on a free loopback port, in front of a test's PostgreSQL: its own
 * directory holds {@code pgbouncer.ini}, the {@code auth_file}, the log and the pid file. Clients and the admin
 * console log in as the backend's user ({@code auth_type = trust}; it is the console's {@code admin_users});
 * every database of the backend is reachable through it ({@code * = host=.. port=..}). Defaults:
 * {@code pool_mode = transaction}, {@code default_pool_size = 2}; {@link #start(TestPostgres, Map)} overrides any
 * setting of the {@code [pgbouncer]} section, and {@link #start(TestPostgres, Map, Map)} adds entries of its own to the
 * {@code [databases]} section (a name and its connection string), reached with {@link #connect(String)}.
 *
 * <p>The binary is {@code TELLTALE_PGBOUNCER}, else {@code /usr/sbin/pgbouncer} (Debian's {@code pgbouncer} package,
 * which {@code .ci/run} installs), else {@code pgbouncer} on the {@code PATH}. PgBouncer refuses to run as root;
 * as root it runs in a user namespace ({@code unshare -U}), where it sees itself as {@code nobody}.
 */
public final class PgBouncerProcess implements AutoCloseable {
    private static final List<String> LOGS = List.of("stdout.log", "pgbouncer.log");
    private static final Set<PgBouncerProcess> RUNNING = ChildProcesses.closedOnExit("telltale-testkit-pgbouncer-reaper");

    private final Process process;
    private final Path dir;
    private final int port;
    private final TestPostgres backend;

    private PgBouncerProcess(Process process, Path dir, int port, TestPostgres backend) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.backend = backend;
    }

    /** Starts one with the defaults. */
    public static PgBouncerProcess start(TestPostgres backend) throws IOException {
        return start(backend, Map.of());
    }

    /**
     * Starts one, {@code settings} added to (or replacing) the {@code [pgbouncer]} section's defaults, and waits until
     * a query through it answers; retries on a new port if another process took the one picked.
     *
     * @throws IllegalStateException when no pgbouncer binary is installed
     */
    public static PgBouncerProcess start(TestPostgres backend, Map<String, String> settings) throws IOException {
        return start(backend, settings, Map.of());
    }

    /**
     * Starts one as {@link #start(TestPostgres, Map)} does, {@code databases} written to the {@code [databases]} section
     * before the catch-all entry: a name to its connection string, such as {@code host=127.0.0.1 port=1 dbname=postgres}.
     */
    public static PgBouncerProcess start(TestPostgres backend, Map<String, String> settings, Map<String, String> databases)
            throws IOException {
        return ChildProcesses.retryOnPortTaken(() -> startOnce(backend, settings, databases));
    }

    /** Where the binary is, or why there is none. */
    public static Path binary() {
        String env = System.getenv("TELLTALE_PGBOUNCER");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path debian = Path.of("/usr/sbin/pgbouncer");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "pgbouncer");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no pgbouncer binary: install Debian's pgbouncer package (apt-get install "
                + "pgbouncer; .ci/run does) or set TELLTALE_PGBOUNCER to one");
    }

    private static PgBouncerProcess startOnce(TestPostgres backend, Map<String, String> settings,
                                              Map<String, String> databases) throws IOException {
        Path binary = binary();
        int port = ChildProcesses.freePort();
        Path dir = Files.createTempDirectory("telltale-pgbouncer-" + port + "-");
        Map<String, String> ini = new LinkedHashMap<>();
        ini.put("listen_addr", "127.0.0.1");
        ini.put("listen_port", Integer.toString(port));
        ini.put("unix_socket_dir", "");
        ini.put("auth_type", "trust");
        ini.put("auth_file", dir.resolve("users.txt").toString());
        ini.put("admin_users", backend.user());
        ini.put("pool_mode", "transaction");
        ini.put("default_pool_size", "2");
        ini.put("logfile", dir.resolve("pgbouncer.log").toString());
        ini.put("pidfile", dir.resolve("pgbouncer.pid").toString());
        // one second between the server checks and the stats of SHOW STATS, so tests see them move without waiting a minute
        ini.put("stats_period", "1");
        ini.putAll(settings);
        StringBuilder text = new StringBuilder("[databases]\n");
        databases.forEach((name, connection) -> text.append(name).append(" = ").append(connection).append('\n'));
        text.append("* = host=").append(backend.host()).append(" port=")
                .append(backend.port());
        if (!backend.password().isEmpty()) {
            text.append(" password=").append(backend.password());
        }
        text.append("\n\n[pgbouncer]\n");
        ini.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Files.writeString(dir.resolve("pgbouncer.ini"), text.toString());
        Files.writeString(dir.resolve("users.txt"), "\"" + backend.user() + "\" \"" + backend.password() + "\"\n");
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(binary.toString(), dir.resolve("pgbouncer.ini").toString()));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        PgBouncerProcess bouncer = new PgBouncerProcess(process, dir, port, backend);
        try {
            await("pgbouncer on port " + port).atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofMillis(20))
                    .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> !process.isAlive() || bouncer.answers());
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            String logs = ChildProcesses.logs(dir, LOGS, 15);
            ChildProcesses.deleteTree(dir);
            throw new IOException(binary + " did not answer on port " + port + " within 20 s; log: " + logs, e);
        }
        if (!process.isAlive()) {
            String logs = ChildProcesses.logs(dir, LOGS, 15);
            ChildProcesses.deleteTree(dir);
            if (logs.contains("Address already in use")) {
                throw new ChildProcesses.PortTakenException(logs);
            }
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + logs);
        }
        RUNNING.add(bouncer);
        return bouncer;
    }

    private boolean answers() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("select 1");
            return true;
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** The admin console's URL: {@code postgresql://user@127.0.0.1:port/pgbouncer}. */
    public String consoleUrl() {
        return "postgresql://" + backend.user() + "@" + host() + ":" + port + "/pgbouncer";
    }

    /**
     * A JDBC URL of the backend's test database through this pgbouncer, for clients: {@code prepareThreshold=0}, since a
     * statement prepared on one server of a transaction pool is unknown to the next.
     */
    public String jdbcUrl() {
        return jdbcUrl(backend.database());
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database + "?prepareThreshold=0";
    }

    /** A client connection to the backend's test database through this pgbouncer. */
    public Connection connect() throws SQLException {
        return connect(backend.database());
    }

    /** A client connection to {@code database} through this pgbouncer: one of the backend's, or an entry of its own. */
    public Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", backend.user());
        if (!backend.password().isEmpty()) {
            p.setProperty("password", backend.password());
        }
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "60");
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    /** The directory holding its configuration and log. */
    public Path directory() {
        return dir;
    }

    /** The last lines of its log, for a failing test's message. */
    public String log() {
        return ChildProcesses.logs(dir, LOGS, 15);
    }

    /** Stops it (SIGTERM, then SIGKILL after 10 s) and deletes its directory. Idempotent. */
    @Override
    public void close() {
        if (!RUNNING.remove(this)) {
            return;
        }
        ChildProcesses.stop(process);
        ChildProcesses.deleteTree(dir);
    }

    @Override
    public String toString() {
        return "PgBouncerProcess[127.0.0.1:" + port + " in front of " + backend + "]";
    }


}
