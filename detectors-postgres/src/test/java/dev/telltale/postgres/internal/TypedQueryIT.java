package dev.telltale.postgres.internal;

import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.DetectionTimeoutException;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one query path: strict record mapping (a missing column, an extra column and a type that does not
 * convert each fail, naming the query and the record), the conversions it offers, and that SQL built at run
 * time gets the same row cap, failure mapping and counters as a {@code .sql} file.
 */
@ExtendWith(PostgresExtension.class)
class TypedQueryIT {
    private static final Duration BUDGET = Duration.ofSeconds(10);

    record Exact(long id, String name) {
    }

    record Missing(long id, String name, long size) {
    }

    record Extra(long id) {
    }

    record Mistyped(String id, String name) {
    }

    record Everything(String text, int small, Long big, double ratio, Boolean flag, BigDecimal amount, Instant at,
                      Duration span, List<String> names, List<Long> ids, List<Integer> pids, Optional<Long> absent,
                      Long nothing, long zero) {
    }

    @Test
    void aRecordMatchingTheColumnsMaps(TestPostgres pg) throws Exception {
        try (PostgresTarget target = target(pg, 1000)) {
            Exact row = PostgresTargetAccess.queries(target).read("t", BUDGET,
                    tx -> tx.one(SqlFile.load(TypedQueryIT.class, "drift", Exact.class), Map.of()));
            assertThat(row).isEqualTo(new Exact(1, "x"));
        }
    }

    /** Reading query drift into {@code record} fails, naming the query, the record and {@code why}. */
    private static void assertDrift(PostgresTarget target, Class<? extends Record> record, String why) {
        assertThatThrownBy(() -> PostgresTargetAccess.queries(target).read("t", BUDGET,
                tx -> tx.list(SqlFile.load(TypedQueryIT.class, "drift", record))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("query drift does not match record " + record.getName())
                .hasMessageContaining(why);
    }

    @Test
    void driftBetweenSqlAndRecordFailsNamingTheQueryTheRecordAndTheColumn(TestPostgres pg) throws Exception {
        try (PostgresTarget target = target(pg, 1000)) {
            assertDrift(target, Missing.class, "missing column size for component Missing.size (long)");
            assertDrift(target, Extra.class, "extra column name (text) has no component");
            assertDrift(target, Mistyped.class, "column id is int8, which does not map to Mistyped.id (String)");
            // an empty result is checked too: the check reads the columns, not the rows
            assertThatThrownBy(() -> PostgresTargetAccess.queries(target).read("t", BUDGET,
                    tx -> tx.list("empty", "select 1::int8 as id where false", Map.of(), Exact.class)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("query empty does not match record " + Exact.class.getName())
                    .hasMessageContaining("missing column name");
            // a scalar takes exactly one column
            assertThatThrownBy(() -> PostgresTargetAccess.queries(target).read("t", BUDGET,
                    tx -> tx.list("two", "select 1 as a, 2 as b", Map.of(), Long.class)))
                    .hasMessageContaining("query two does not match record java.lang.Long: a Long result needs exactly one column");
            // the connection is fine afterwards
            Integer one = PostgresTargetAccess.queries(target).read("t", BUDGET, tx -> tx.one("after", "select 1", Map.of(), Integer.class));
            assertThat(one).isEqualTo(1);
        }
    }

    @Test
    void convertsTheDocumentedTypes(TestPostgres pg) throws Exception {
        try (PostgresTarget target = target(pg, 1000)) {
            Everything e = PostgresTargetAccess.queries(target).read("t", BUDGET, tx -> tx.one("types", "select 'a'::text as text, "
                    + "2::int2 as small, 3::int8 as big, 0.5::float8 as ratio, true as flag, 12.50::numeric as amount, "
                    + "timestamptz '2026-01-02 03:04:05+00' as at, interval '1 day 02:00:01.5' as span, "
                    + "array['x', null, 'y'] as names, array[7, 8]::int8[] as ids, array[9]::int4[] as pids, "
                    + "null::int8 as absent, null::int8 as nothing, null::int8 as zero", Map.of(), Everything.class));
            assertThat(e).isEqualTo(new Everything("a", 2, 3L, 0.5, true, new BigDecimal("12.50"),
                    Instant.parse("2026-01-02T03:04:05Z"), Duration.ofHours(26).plusMillis(1500), List.of("x", "y"),
                    List.of(7L, 8L), List.of(9), Optional.empty(), null, 0));
        }
    }

    @Test
    void runtimeSqlIsCappedAndCounted(TestPostgres pg) throws Exception {
        try (PostgresTarget target = target(pg, 5)) {
            PostgresTargetAccess.server(target, BUDGET);
            QueryRunner.Stats before = PostgresTargetAccess.queries(target).stats();
            List<Long> capped = PostgresTargetAccess.queries(target).read("t", BUDGET, tx -> tx.list("cap",
                    "select g::int8 from generate_series(1, 100) g", Map.of(), Long.class));
            assertThat(capped).containsExactly(1L, 2L, 3L, 4L, 5L);
            List<Long> raised = PostgresTargetAccess.queries(target).read("t", BUDGET, tx -> tx.withRowCap(50).list("cap",
                    "select g::int8 from generate_series(1, :n) g", Map.of("n", 100), Long.class));
            assertThat(raised).hasSize(50);
            QueryRunner.Stats after = PostgresTargetAccess.queries(target).stats();
            assertThat(after.queries() - before.queries()).isEqualTo(2);
            assertThat(after.rows() - before.rows()).isEqualTo(55);
        }
    }

    @Test
    void runtimeSqlThatOutlivesTheStatementTimeoutIsATimeout(TestPostgres pg) throws Exception {
        try (PostgresTarget target = PostgresTarget.builder("tq").url(pg.jdbcUrl())
                .statementTimeout(Duration.ofMillis(300)).build()) {
            assertThatThrownBy(() -> PostgresTargetAccess.queries(target).read("t", BUDGET,
                    tx -> tx.list("sleepy", "select pg_sleep(3)::text", Map.of(), String.class)))
                    // a missed deadline, recorded as a timeout outcome (no longer a QueryFailure, an error)
                    .isInstanceOf(DetectionTimeoutException.class)
                    .hasMessageContaining("query sleepy on target 'tq' was cancelled by its statement timeout")
                    .hasMessageContaining("SQLSTATE 57014");
        }
    }

    @Test
    void aQueryPastTheClientSideTimeoutIsATimeoutToo(TestPostgres pg) throws Exception {
        try (PostgresTarget target = PostgresTarget.builder("tq").url(pg.jdbcUrl()).build()) {
            // the server-side timeout switched off inside the transaction: only the driver's guards are left
            assertThatThrownBy(() -> PostgresTargetAccess.queries(target).read("t", Duration.ofSeconds(1), tx -> {
                tx.list("off", "select set_config('statement_timeout', '0', true)", Map.of(), String.class);
                return tx.list("sleepy", "select pg_sleep(20)::text", Map.of(), String.class);
            })).isInstanceOf(DetectionTimeoutException.class).hasMessageContaining("query sleepy on target 'tq'");
        }
    }

    @Test
    void runtimeSqlWithoutThePrivilegeIsSkipped(TestPostgres pg) throws Exception {
        String role = "tt_tq_" + ProcessHandle.current().pid();
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("drop table if exists tq_secret");
            s.execute("create table tq_secret(x int)");
            s.execute("drop role if exists " + role);
            s.execute("create role " + role + " login password 'pw'");
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("weak", "postgresql://" + role + ":pw@" + pg.host() + ":"
                + pg.port() + "/" + pg.database())) {
            assertThatThrownBy(() -> PostgresTargetAccess.queries(target).read("t", BUDGET,
                    tx -> tx.one("secret", "select count(*) from tq_secret", Map.of(), Long.class)))
                    .isInstanceOf(DetectionSkippedException.class)
                    .hasMessageContaining("query secret on target 'weak' lacks a privilege")
                    .hasMessageContaining("permission denied");
        } finally {
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute("drop table if exists tq_secret");
                s.execute("drop role if exists " + role);
            }
        }
    }

    @Test
    void setLocalLastsUntilTheEndOfTheTransaction(TestPostgres pg) throws Exception {
        try (PostgresTarget target = target(pg, 1000)) {
            String inside = PostgresTargetAccess.queries(target).read("t", BUDGET, tx -> {
                tx.setLocal(Map.of("work_mem", "7MB"));
                return tx.one("inside", "select current_setting('work_mem')", Map.of(), String.class);
            });
            assertThat(inside).isEqualTo("7MB");
            String after = PostgresTargetAccess.queries(target).read("t", BUDGET,
                    tx -> tx.one("after", "select current_setting('work_mem')", Map.of(), String.class));
            assertThat(after).isNotEqualTo("7MB");
        }
    }

    private static PostgresTarget target(TestPostgres pg, int maxRows) {
        return PostgresTarget.builder("tq").url(pg.jdbcUrl()).maxRows(maxRows).build();
    }
}
