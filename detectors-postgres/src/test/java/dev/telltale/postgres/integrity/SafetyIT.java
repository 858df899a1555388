package dev.telltale.postgres.integrity;

import dev.telltale.core.Detector;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
    private static PostgresTarget target;
    private static TestPostgres db;

    @BeforeAll
    static void open(TestPostgres pg) throws Exception {
        db = pg;
        target = PostgresTarget.fromUrl("app", pg.jdbcUrl());
        try (Connection c = pg.connect()) {
            sql(c, "create table victims(id int primary key, name text)",
                    "insert into victims select g, 'v' || g from generate_series(1, 5) g",
                    "create function tt_wipe() returns boolean language sql volatile as 'delete from victims; select true'");
        }
    }

    @AfterAll
    static void close() {
        target.close();
    }

    @BeforeEach
    void intact() throws Exception {
        assertThat(victims()).isEqualTo(5);
    }

    private static long victims() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from victims")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void breakOutFragmentIsRefusedBeforeItReachesTheServer() throws Exception {
        assertThatThrownBy(() -> IntegrityChecks.on(target).duplicates("victims").key("name").where("1=1) ; delete from victims; --"))
                .isInstanceOf(IntegrityConfigException.class)
                .hasMessageContaining("integrity.duplicates[victims].where");
        assertThat(victims()).isEqualTo(5);
    }

    @Test
    void fragmentCallingAWritingFunctionFailsReadOnlyAndChangesNothing() throws Exception {
        Detector d = IntegrityChecks.on(target).duplicates("victims").key("name").where("tt_wipe()").build();
        assertThatThrownBy(() -> detect(d))
                .hasMessageStartingWith("integrity.duplicates[victims.name]: ERROR: cannot execute DELETE in a read-only transaction");
        // closing our bracket to splice in more SQL is refused; a balanced sub-select still cannot write
        assertThatThrownBy(() -> IntegrityChecks.on(target).negativeValues("victims", "id").where("true) or (select tt_wipe()"))
                .hasMessageEndingWith("closes a parenthesis it did not open");
        Detector subSelect = IntegrityChecks.on(target).negativeValues("victims", "id").where("(select tt_wipe())").build();
        assertThatThrownBy(() -> detect(subSelect)).hasMessageContaining("read-only transaction");
        Detector invariant = IntegrityChecks.on(target).invariant("sneaky",
                "with gone as (delete from victims returning id) select id from gone").build();
        // wrapped as a sub-query, a data-modifying WITH does not even plan
        assertThatThrownBy(() -> detect(invariant)).hasMessageContaining("data-modifying statement must be at the top level");
        Detector viaFunction = IntegrityChecks.on(target).invariant("sneakier", "select id from victims where tt_wipe()").build();
        assertThatThrownBy(() -> detect(viaFunction)).hasMessageContaining("read-only transaction");
        assertThat(victims()).isEqualTo(5);
    }

    @Test
    void unknownTableOrColumnFailsValidateWithTheChecksName() throws Exception {
        IntegrityChecks typoTable = IntegrityChecks.on(target);
        typoTable.duplicates("victimz").key("name").add();
        assertThatThrownBy(() -> typoTable.validate(Duration.ofSeconds(10)))
                .isInstanceOf(IntegrityConfigException.class)
                .hasMessage("integrity.duplicates[victimz.name].table: table 'victimz' does not exist on the server "
                        + "(or this role cannot see it; names are case-sensitive as written)");

        IntegrityChecks typoColumn = IntegrityChecks.on(target);
        typoColumn.orphans("victims").references("victims", "parent_id").add();
        assertThatThrownBy(() -> typoColumn.validate(Duration.ofSeconds(10)))
                .hasMessage("integrity.orphans[victims.parent_id].references: column 'parent_id' does not exist in table "
                        + "'victims' (it has id, name)");

        IntegrityChecks wrongType = IntegrityChecks.on(target);
        wrongType.negativeValues("victims", "name").add();
        assertThatThrownBy(() -> wrongType.validate(Duration.ofSeconds(10)))
                .hasMessage("integrity.negative-values[victims.name].column: column 'name' of 'victims' is text, not a number");

        IntegrityChecks badWhere = IntegrityChecks.on(target);
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
        try (PostgresTarget quick = PostgresTarget.builder("quick").url(db.jdbcUrl()).statementTimeout(Duration.ofMillis(300)).build()) {
            Detector d = IntegrityChecks.on(quick).duplicates("victims").key("name").where("pg_sleep(1) is not null").build();
            assertThatThrownBy(() -> detect(d)).hasMessage("integrity.duplicates[victims.name]: ERROR: canceling statement "
                    + "due to statement timeout [SQLState 57014]; scan the table in ranges (chunk-rows) or raise the "
                    + "target's statement timeout");
        }
    }
}
