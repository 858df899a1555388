package dev.telltale.postgres;

import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.DetectionTimeoutException;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Outcome;
import dev.telltale.postgres.internal.PostgresTargetAccess;
import dev.telltale.postgres.internal.ServerProbe;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(PostgresExtension.class)
class PostgresTargetIT {
    private static final Duration BUDGET = Duration.ofSeconds(10);

    @Test
    void probesOnceAndShowsUpAsTelltale(TestPostgres pg) throws Exception {
        try (PostgresTarget target = PostgresTarget.fromUrl("db", pg.jdbcUrl())) {
            ServerProbe probe = PostgresTargetAccess.server(target, BUDGET);
            assertThat(probe.versionNum()).isEqualTo(pg.serverVersionNum());
            assertThat(probe.database()).isEqualTo(pg.database());
            assertThat(probe.inRecovery()).isFalse();
            assertThat(probe.seesAllSessions()).isTrue();
            assertThat(probe.extensions()).containsKey("plpgsql");

            try (Connection c = pg.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select application_name from pg_stat_activity where pid = " + probe.backendPid())) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("telltale");
            }
            assertThat(PostgresTargetAccess.queries(target).connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void everyReadIsReadOnlyWithTimeouts(TestPostgres pg) throws Exception {
        try (PostgresTarget target = PostgresTarget.builder("db").url(pg.jdbcUrl())
                .statementTimeout(Duration.ofMillis(700)).lockTimeout(Duration.ofMillis(150)).build()) {
            List<String> settings = PostgresTargetAccess.queries(target).read("test", BUDGET, tx -> tx.list("test",
                    "select current_setting('transaction_read_only') || ' ' || current_setting('statement_timeout') "
                            + "|| ' ' || current_setting('lock_timeout')", Map.of(), String.class));
            assertThat(settings).containsExactly("on 700ms 150ms");

            assertThatThrownBy(() -> PostgresTargetAccess.queries(target).read("write", BUDGET,
                    tx -> tx.list("write", "create table should_not_exist(x int)", Map.of(), String.class)))
                    .hasMessageContaining("read-only");

            // a statement that outlives the statement timeout is cancelled by the server and named in the error
            assertThatThrownBy(() -> PostgresTargetAccess.queries(target).read("sleep", BUDGET, tx -> tx.list(
                    dev.telltale.postgres.internal.SqlFile.load(PostgresTargetIT.class, "sleep", String.class))))
                    // a missed deadline: recorded as a timeout outcome, not an error
                    .isInstanceOf(DetectionTimeoutException.class)
                    .hasMessageContaining("query sleep on target 'db' was cancelled by its statement timeout")
                    .hasMessageContaining("57014");
            // and the connection survives it
            String db = PostgresTargetAccess.queries(target).read("after", BUDGET, tx -> tx.server().database());
            assertThat(db).isEqualTo(pg.database());
            assertThat(PostgresTargetAccess.queries(target).connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void jitIsOffInDetectionsUnlessAllowed(TestPostgres pg) throws Exception {
        String serverDefault;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl());
             java.sql.ResultSet rs = c.createStatement().executeQuery("select current_setting('jit')")) {
            rs.next();
            serverDefault = rs.getString(1);
        }
        try (PostgresTarget off = PostgresTarget.builder("db").url(pg.jdbcUrl()).build();
             PostgresTarget on = PostgresTarget.builder("db").url(pg.jdbcUrl()).allowJit(true).build()) {
            assertThat(jit(off)).isEqualTo("off");
            assertThat(jit(on)).isEqualTo(serverDefault);
        }
    }

    private static String jit(PostgresTarget target) throws Exception {
        return PostgresTargetAccess.queries(target).read("jit", BUDGET,
                tx -> tx.one("jit", "select current_setting('jit')", Map.of(), String.class));
    }

    @Test
    void dataSourceTargetSetsApplicationName(TestPostgres pg) throws Exception {
        try (PostgresTarget target = PostgresTarget.fromDataSource("ds", pg.dataSource())) {
            String app = PostgresTargetAccess.queries(target).read("app", BUDGET,
                    tx -> tx.one("app", "select current_setting('application_name')", Map.of(), String.class));
            assertThat(app).isEqualTo("telltale");
        }
    }

    @Test
    void roleWithoutMonitoringPrivilegeIsToldWhatToGrant(TestPostgres pg) throws Exception {
        String role = "tt_nomon_" + ProcessHandle.current().pid();
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("drop role if exists " + role);
            s.execute("create role " + role + " login password 'pw'");
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("weak", "postgresql://" + role + ":pw@" + pg.host() + ":"
                + pg.port() + "/" + pg.database())) {
            ServerProbe probe = PostgresTargetAccess.server(target, BUDGET);
            assertThat(probe.seesAllSessions()).isFalse();
            assertThatThrownBy(probe::requireSeesAllSessions)
                    .isInstanceOf(DetectionSkippedException.class)
                    .hasMessageContaining("grant pg_monitor to " + role);
            assertThat(target.toString()).doesNotContain(":pw@").contains("***");

            // detectors that would count other sessions wrongly skip and say what to grant; those whose views are
            // complete for every role (pg_locks, pg_stat_database) still run
            DetectorEngine engine = DetectorEngine.builder().detectors(PostgresDetectors.forTarget(target)).build();
            Map<String, Outcome> outcomes = new TreeMap<>();
            // a window, so that the delta detectors run too
            engine.runOnce(Duration.ofMillis(10)).runs().forEach(r -> outcomes.put(r.detector(), r.outcome()));
            engine.close();
            assertThat(outcomes).containsKeys("postgres.connections", "postgres.lock-waits", "postgres.hot-rows",
                    "postgres.deadlocks", "postgres.long-running", "postgres.query-bursts");
            // the stats and replication detectors read views that are complete for every role (their own
            // database's catalogs, pg_stat_database, their own statements): they run, or skip with a reason
            outcomes.forEach((id, outcome) -> {
                if (id.startsWith("postgres.") && !id.matches("postgres\\.(connections|lock-waits|hot-rows|deadlocks|long-running|query-bursts)")) {
                    assertThat(outcome.kind()).as(id + ": " + outcome).isIn("ok", "skipped");
                }
            });
            for (String skipped : List.of("postgres.connections", "postgres.lock-waits", "postgres.long-running",
                    "postgres.query-bursts")) {
                assertThat(outcomes.get(skipped)).as(skipped).isInstanceOfSatisfying(Outcome.Skipped.class, o ->
                        assertThat(o.reason()).isEqualTo("role " + role + " cannot see other sessions' activity, so counts "
                                + "would be wrong; run: grant pg_monitor to " + role + ";"));
            }
            assertThat(outcomes.get("postgres.hot-rows").kind()).isEqualTo("ok");
            assertThat(outcomes.get("postgres.deadlocks").kind()).isEqualTo("ok");
        } finally {
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute("drop role if exists " + role);
            }
        }
    }

    @Test
    void unreachableServerIsAClearError() {
        try (PostgresTarget target = PostgresTarget.builder("gone")
                .url("postgresql://nobody:secret@127.0.0.1:1/none").connectTimeout(Duration.ofSeconds(1)).build()) {
            assertThatThrownBy(() -> PostgresTargetAccess.server(target, BUDGET))
                    .hasMessageContaining("cannot connect to target 'gone'")
                    .hasMessageNotContaining("secret");
        }
    }
}
