package dev.telltale.testkit.it.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs in the failsafe executions without the env URL (embedded-its: PostgreSQL 17 from the class
 * path) and with {@code telltale.test.postgres.source=embedded} plus a 13.x binaries jar (pg13-its).
 * {@code telltale.it.postgres.major} says which major the execution expects.
 */
@ExtendWith(PostgresExtension.class)
class EmbeddedPostgresIT {
    private static final String EXPECTED_MAJOR = System.getProperty("telltale.it.postgres.major", "17");

    @Test
    void isTheEmbeddedServerOfTheExpectedMajor(TestPostgres pg) throws SQLException {
        assertThat(pg.source()).isEqualTo("embedded");
        assertThat(Integer.toString(pg.serverVersionNum())).startsWith(EXPECTED_MAJOR);
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith(EXPECTED_MAJOR);
        }
    }

    @Test
    void preloadsAndInstallsPgStatStatements(TestPostgres pg) throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            ResultSet preload = s.executeQuery("SHOW shared_preload_libraries");
            preload.next();
            assertThat(preload.getString(1)).contains("pg_stat_statements");
            s.execute("SELECT 42 /* telltale-embedded-probe */");
            ResultSet rows = s.executeQuery("SELECT count(*) FROM pg_stat_statements WHERE query LIKE '%telltale-embedded-probe%'");
            rows.next();
            assertThat(rows.getInt(1)).isPositive();
            ResultSet io = s.executeQuery("SHOW track_io_timing");
            io.next();
            assertThat(io.getString(1)).isEqualTo("on");
        }
    }

    @Test
    void dropsDatabasesOfOtherClassesAndKeepsItsOwn(TestPostgres pg) throws SQLException {
        TestPostgres other = pg.newDatabase();
        try (Connection admin = DriverManager.getConnection(pg.adminJdbcUrl()); Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname IN ('" + pg.database() + "', '" + other.database() + "')")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
    }

    /** binDir's programs can start a second server, as later replica tests will; as root via unshare -U. */
    @Test
    void binDirStartsAnotherServer(TestPostgres pg, @TempDir Path tmp) throws Exception {
        Path bin = pg.binDir().orElseThrow();
        assertThat(bin.resolve("postgres")).isExecutable();
        assertThat(bin.resolve("initdb")).isExecutable();
        assertThat(bin.resolve("pg_ctl")).isExecutable();

        Path data = tmp.resolve("data");
        run(pg.binary("initdb", "-D", data.toString(), "-U", "postgres", "-A", "trust", "--no-sync"), tmp.resolve("initdb.log"));
        int port = freePort();
        Path socketDir = Files.createDirectories(tmp.resolve("sock"));
        run(pg.binary("pg_ctl", "-D", data.toString(), "-l", tmp.resolve("server.log").toString(), "-w", "start",
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + socketDir), tmp.resolve("start.log"));
        try {
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (Connection c = DriverManager.getConnection(url); ResultSet rs = c.createStatement().executeQuery("SHOW server_version_num")) {
                    return rs.next() && rs.getInt(1) == pg.serverVersionNum();
                }
            });
        } finally {
            run(pg.binary("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop"), tmp.resolve("stop.log"));
        }
    }

    private static void run(ProcessBuilder builder, Path log) throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", builder.command()).isTrue();
        assertThat(process.exitValue()).as("%s exit code; output:%n%s", builder.command(), Files.readString(log)).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
