package dev.telltale.postgres.integrity;

import dev.telltale.core.Detector;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.support.ClassTarget;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static dev.telltale.postgres.integrity.Runs.detect;
import static dev.telltale.postgres.integrity.Runs.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Misconfigured checks fail at start with a message that names them; user SQL cannot write. */
@ExtendWith(PostgresExtension.class)
class SafetyIT {
    @RegisterExtension
    static final ClassTarget app = new ClassTarget("app");

    @BeforeAll
    static void victimsTable(TestPostgres pg) throws Exception {
        pg.execute("create table victims(id int primary key, name text)",
                "insert into victims select g, 'v' || g from generate_series(1, 5) g",
                "create function tt_wipe() returns boolean language sql volatile as 'delete from victims; select true'");
    }

    @BeforeEach
    void intact() throws Exception {
        assertThat(victims()).isEqualTo(5);
    }

    private static long victims() throws Exception {
        try (Connection c = app.database().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from victims")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void breakOutFragmentIsRefusedBeforeItReachesTheServer() throws Exception {
        assertThatThrownBy(() -> IntegrityChecks.on(app.get()).duplicates("victims").key("name").where("1=1) ; delete from victims; --"))
                .isInstanceOf(IntegrityConfigException.class)
                .hasMessageContaining("integrity.duplicates[victims].where");
        assertThat(victims()).isEqualTo(5);
    }

    @Test
    void fragmentCallingAWritingFunctionIsRefusedAndChangesNothing() throws Exception {
        Detector d = IntegrityChecks.on(app.get()).duplicates("victims").key("name").where("tt_wipe()").build();
        assertThatThrownBy(() -> detect(d))
                .hasMessage("integrity.duplicates[victims.name].where: 'tt_wipe()' calls tt_wipe(), which is volatile: "
                        + "a check may call only immutable or stable functions");
        // closing our bracket to splice in more SQL is refused; a balanced sub-select cannot call it either
        assertThatThrownBy(() -> IntegrityChecks.on(app.get()).negativeValues("victims", "id").where("true) or (select tt_wipe()"))
                .hasMessageEndingWith("closes a parenthesis it did not open");
        Detector subSelect = IntegrityChecks.on(app.get()).negativeValues("victims", "id").where("(select tt_wipe())").build();
        assertThatThrownBy(() -> detect(subSelect)).hasMessageContaining("calls tt_wipe(), which is volatile");
        assertThatThrownBy(() -> IntegrityChecks.on(app.get()).invariant("sneaky",
                "with gone as (delete from victims returning id) select id from gone"))
                .hasMessageContaining("contains 'DELETE': a check only reads");
        Detector viaFunction = IntegrityChecks.on(app.get()).invariant("sneakier", "select id from victims where tt_wipe()").build();
        assertThatThrownBy(() -> detect(viaFunction)).hasMessageContaining("calls tt_wipe(), which is volatile");
        assertThat(victims()).isEqualTo(5);
    }

    /**
     * What got through the earlier guard (2026-12-01): a quote trick to run statements after a COMMIT, and
     * functions that sleep past the timeout, lock for the session or end a backend. Each fails validation, and
     * the server shows no trace: no role setting, no table, no advisory lock, the other backend alive.
     */
    @Test
    void theBypassesOfTheAgentReviewFailValidationAndChangeNothingOnTheServer() throws Exception {
        String role = "tt_safety_" + ProcessHandle.current().pid();
        try (Connection admin = app.database().connect(); Connection bystander = app.database().connect()) {
            sql(admin, "drop role if exists " + role, "create role " + role);
            try {
                int pid = one(bystander, "select pg_backend_pid()");
                String escape = "status = E'\\'') group by t.name; commit; %s; commit; select 1 from victims t where (E'\\'' = 'x'";
                String[] fragments = {
                        escape.formatted("alter role " + role + " set work_mem = 77777"),
                        escape.formatted("create table tt_created(id int)"),
                        "name = E'\\'' ; commit; alter role " + role + " set work_mem = 77777; select E'\\''",
                        "pg_sleep(25) is not null",
                        "pg_catalog.pg_sleep(25) is not null",
                        "\"pg_sleep\"(25) is not null",
                        "(select pg_sleep_for('25 seconds')) is not null",
                        "pg_advisory_lock(1) is not null",
                        "pg_try_advisory_lock(1)",
                        "pg_terminate_backend(" + pid + ")",
                        "pg_cancel_backend(" + pid + ")",
                        "set_config('work_mem', '77777', false) is not null",
                        "txid_current() > 0",
                        "nextval('x') > 0",
                        "query_to_xml('select 1', true, true, '') is not null",
                };
                for (String f : fragments) {
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> {
                        IntegrityChecks checks = IntegrityChecks.on(app.get());
                        checks.duplicates("victims").key("name").where(f).add();
                        checks.validate(Duration.ofSeconds(10));
                    }).as(f).isInstanceOf(IntegrityConfigException.class);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).as(f).isLessThan(Duration.ofSeconds(5));
                }
                assertThat(one(admin, "select count(*)::int from pg_db_role_setting s join pg_roles r on r.oid = s.setrole "
                        + "where r.rolname = '" + role + "'")).isZero();
                assertThat(one(admin, "select count(*)::int from pg_class where relname = 'tt_created'")).isZero();
                assertThat(one(admin, "select count(*)::int from pg_locks where locktype = 'advisory' and database = "
                        + "(select oid from pg_database where datname = current_database())")).isZero();
                assertThat(one(bystander, "select pg_backend_pid()")).isEqualTo(pid);
            } finally {
                sql(admin, "drop role if exists " + role);
            }
        }
        assertThat(victims()).isEqualTo(5);
    }

    @Test
    void aFunctionThatLiesAboutItsVolatilityCannotLeaveALockBehind() throws Exception {
        try (Connection c = app.database().connect()) {
            sql(c, "create or replace function tt_lock() returns boolean language plpgsql stable as "
                    + "'begin perform pg_advisory_lock(4242); return true; end'");
        }
        Detector d = IntegrityChecks.on(app.get()).duplicates("victims").key("name").where("tt_lock()").build();
        assertThatThrownBy(() -> detect(d)).hasMessageContaining("left the session changed (1 advisory lock(s) held); "
                + "the connection was dropped");
        try (Connection c = app.database().connect()) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    one(c, "select count(*)::int from pg_locks where locktype = 'advisory' and objid = 4242") == 0);
        }
    }

    @Test
    void theSimpleQueryProtocolIsRefused() throws Exception {
        try (PostgresTarget simple = PostgresTarget.fromUrl("simple", app.database().jdbcUrl() + "&preferQueryMode=simple")) {
            Detector d = IntegrityChecks.on(simple).duplicates("victims").key("name").where("name <> 'x'").build();
            assertThatThrownBy(() -> detect(d)).hasMessageContaining("integrity checks refuse preferQueryMode=simple");
        }
    }

    private static int one(Connection c, String query) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void unknownTableOrColumnFailsValidateWithTheChecksName() throws Exception {
        IntegrityChecks typoTable = IntegrityChecks.on(app.get());
        typoTable.duplicates("victimz").key("name").add();
        assertThatThrownBy(() -> typoTable.validate(Duration.ofSeconds(10)))
                .isInstanceOf(IntegrityConfigException.class)
                .hasMessage("integrity.duplicates[victimz.name].table: table 'victimz' does not exist on the server "
                        + "(or this role cannot see it; names are case-sensitive as written)");

        IntegrityChecks typoColumn = IntegrityChecks.on(app.get());
        typoColumn.orphans("victims").references("victims", "parent_id").add();
        assertThatThrownBy(() -> typoColumn.validate(Duration.ofSeconds(10)))
                .hasMessage("integrity.orphans[victims.parent_id].references: column 'parent_id' does not exist in table "
                        + "'victims' (it has id, name)");

        IntegrityChecks wrongType = IntegrityChecks.on(app.get());
        wrongType.negativeValues("victims", "name").add();
        assertThatThrownBy(() -> wrongType.validate(Duration.ofSeconds(10)))
                .hasMessage("integrity.negative-values[victims.name].column: column 'name' of 'victims' is text, not a number");

        IntegrityChecks badWhere = IntegrityChecks.on(app.get());
        badWhere.duplicates("victims").key("name").where("nmae = 'x'").add();
        assertThatThrownBy(() -> badWhere.validate(Duration.ofSeconds(10)))
                .hasMessageStartingWith("integrity.duplicates[victims.name]: the check's query does not plan on the server: "
                        + "ERROR: column \"nmae\" does not exist");

        // and the detector keeps saying so on every run, never a silent zero
        Detector d = typoTable.detectors().get(0);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> detect(d)).hasMessageContaining("table 'victimz' does not exist");
        }
    }

    @Test
    void aStatementTimeoutBoundsASlowCheck() throws Exception {
        try (PostgresTarget quick = PostgresTarget.builder("quick").url(app.database().jdbcUrl()).statementTimeout(Duration.ofMillis(300)).build()) {
            Detector d = IntegrityChecks.on(quick).duplicates("victims").key("name")
                    .where("(select count(*) from generate_series(1, 200000000)) > 0").build();
            assertThatThrownBy(() -> detect(d)).hasMessage("integrity.duplicates[victims.name]: ERROR: canceling statement "
                    + "due to statement timeout [SQLState 57014]; scan the table in ranges (chunk-rows) or raise the "
                    + "target's statement timeout");
        }
    }
}
