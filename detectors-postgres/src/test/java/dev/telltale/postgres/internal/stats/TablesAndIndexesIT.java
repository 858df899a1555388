package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.support.Runs;
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
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * table-health, indexes and sequences against symptoms made for real in this class's own database: mass
 * updates with autovacuum off for the table, an index never used, duplicate and prefix-redundant indexes, an
 * invalid index left by a failed concurrent build, a written table with too many indexes, sequences near the
 * end of their column's type. A second, healthy database must stay silent.
 */
@ExtendWith(PostgresExtension.class)
class TablesAndIndexesIT {

    @Test
    void massUpdatesWithoutVacuumShowDeadTuplesAndBloat(TestPostgres pg) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("create table accounts (id int primary key, balance int not null, note text not null) "
                    + "with (autovacuum_enabled = false)");
            s.execute("insert into accounts select g, 0, repeat('n', 30) from generate_series(1, 100000) g");
            s.execute("update accounts set balance = balance + 1");
            s.execute("update accounts set balance = balance + 1");
            s.execute("analyze accounts");
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("tables", pg.jdbcUrl())) {
            TableHealthDetector d = new TableHealthDetector(target);
            await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection r = Runs.detect(d, Map.of("bloat.warning", "1MB", "bloat.critical", "1GB"));
                Finding dead = find(r, "public.accounts (dead tuples)").orElseThrow();
                assertThat(dead.severity()).isEqualTo(Severity.WARNING);
                assertThat(dead.problem()).isEqualTo(Problem.STORAGE_BLOAT);
                assertThat((Long) dead.evidence().get("dead_tuples")).isGreaterThanOrEqualTo(150_000L);
                assertThat(dead.evidence().get("autovacuum_enabled")).isEqualTo(false);
                assertThat(dead.evidence().get("last_vacuum")).isEqualTo("never");
                assertThat((Long) dead.evidence().get("autovacuum_trigger")).isBetween(15_000L, 25_000L);
                Finding bloat = find(r, "public.accounts (bloat)").orElseThrow();
                assertThat(bloat.severity()).isEqualTo(Severity.WARNING);
                assertThat((Double) bloat.evidence().get("bloat_ratio")).isBetween(0.4, 0.9);
                assertThat((Long) bloat.evidence().get("bloat_bytes")).isGreaterThan(4L * 1024 * 1024);
                assertThat(Runs.signal(r, "postgres.tables.dead.top", "1").orElseThrow()).isGreaterThanOrEqualTo(150_000.0);
                assertThat(Runs.signal(r, "postgres.tables.bloat.top", "1").orElseThrow()).isGreaterThan(4.0 * 1024 * 1024);
                assertThat(Runs.signal(r, "postgres.tables.vacuum.overdue")).contains(1.0);
            });
        }
    }

    @Test
    void aNeverVacuumedTableShowsItsRealSize(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            // never vacuumed nor analyzed: pg_class.relpages is still 0 although the file holds ~15 MB
            s.execute("create table journal (id int, pad text) with (autovacuum_enabled = false)");
            s.execute("insert into journal select g, repeat('j', 100) from generate_series(1, 110000) g");
            s.execute("delete from journal where id <= 60000");
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("sizes", db.jdbcUrl())) {
            TableHealthDetector d = new TableHealthDetector(target);
            await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Finding dead = find(Runs.detect(d, Map.of()), "public.journal (dead tuples)").orElseThrow();
                assertThat(dead.evidence().get("last_vacuum")).isEqualTo("never");
                assertThat((Long) dead.evidence().get("table_bytes")).isGreaterThan(12L * 1024 * 1024);
                assertThat((Long) dead.evidence().get("total_bytes")).isGreaterThanOrEqualTo((Long) dead.evidence().get("table_bytes"));
            });
        }
    }

    @Test
    void unusedDuplicateInvalidAndTooManyIndexes(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("create table events (id int primary key, kind int not null, ref int not null, at int not null)");
            s.execute("insert into events select g, g % 10, g, g from generate_series(1, 20000) g");
            s.execute("create index events_ref_unused on events (ref)");
            s.execute("create index events_kind on events (kind)");
            s.execute("create index events_kind_again on events (kind)");
            s.execute("create index events_kind_at on events (kind, at)");
            // a unique index on duplicate values fails half way and stays behind, invalid
            assertThatThrownBy(() -> s.execute("create unique index concurrently events_kind_unique on events (kind)"))
                    .hasMessageContaining("could not create unique index");
            s.execute("create table wide (id int primary key, a int, b int, c int, d int, e int, f int, g int, h int)");
            for (String col : List.of("a", "b", "c", "d", "e", "f", "g", "h")) {
                s.execute("create index wide_" + col + " on wide (" + col + ")");
            }
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("indexes", db.jdbcUrl())) {
            IndexesDetector d = new IndexesDetector(target);
            Map<String, String> settings = Map.of("unused.min-size", "0", "unused.min-stats-age", "0s", "too-many.writes", "1000");
            Runs.detect(d, settings); // remembers the write counters
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("insert into wide select g, g, g, g, g, g, g, g, g from generate_series(1, 5000) g");
            }
            await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection r = Runs.detect(d, settings);
                Finding unused = find(r, "public.events_ref_unused").orElseThrow();
                assertThat(unused.problem()).isEqualTo(Problem.UNUSED_INDEXES);
                assertThat(unused.severity()).isEqualTo(Severity.WARNING);
                assertThat(unused.evidence().get("idx_scan")).isEqualTo(0L);
                assertThat((Long) unused.evidence().get("size_bytes")).isPositive();
                assertThat((String) unused.evidence().get("definition")).contains("(ref)");

                Finding dup = find(r, "public.events_kind_again (redundant)").orElseThrow();
                assertThat(dup.evidence().get("covered_by")).isIn("public.events_kind", "public.events_kind_at");
                Finding prefix = find(r, "public.events_kind (redundant)").orElseThrow();
                assertThat(prefix.evidence().get("covered_by")).isIn("public.events_kind_at", "public.events_kind_again");
                assertThat(find(r, "public.events_kind_at (redundant)")).isEmpty();
                assertThat(find(r, "public.events_pkey")).isEmpty();

                Finding invalid = find(r, "public.events_kind_unique (invalid)").orElseThrow();
                assertThat(invalid.severity()).isEqualTo(Severity.WARNING);
                assertThat(find(r, "public.events_kind_unique")).isEmpty(); // invalid, so not also "unused"

                Finding many = r.findings().stream().filter(f -> f.problem() == Problem.WRITE_AMPLIFICATION).findFirst().orElseThrow();
                assertThat(many.subject()).isEqualTo("public.wide");
                assertThat(many.evidence().get("indexes")).isEqualTo(9L);
                assertThat((Long) many.evidence().get("writes_in_window")).isGreaterThanOrEqualTo(5000L);

                assertThat(Runs.signal(r, "postgres.indexes.flagged", "invalid")).contains(1.0);
                assertThat(Runs.signal(r, "postgres.indexes.flagged", "duplicate")).contains(2.0);
                assertThat(Runs.signal(r, "postgres.indexes.unused.top", "1").orElseThrow()).isPositive();
                assertThat(Runs.signal(r, "postgres.indexes.per.table.max")).contains(9.0);
            });
        }
    }

    @Test
    void sequencesNearTheirColumnsLimit(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            // a bigint sequence feeding an int4 column: only the column type tells how close the end is
            s.execute("create sequence ticket_seq as bigint");
            s.execute("create table tickets (id int primary key default nextval('ticket_seq'), note text)");
            s.execute("alter sequence ticket_seq owned by tickets.id");
            s.execute("select setval('ticket_seq', 2060000000)"); // 95.9 % of 2^31-1
            s.execute("create table visits (id int generated always as identity primary key, note text)");
            s.execute("select setval(pg_get_serial_sequence('visits', 'id'), 1900000000)"); // 88.5 %
            s.execute("create table fine (id bigserial primary key)");
            s.execute("insert into fine default values");
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("sequences", db.jdbcUrl())) {
            Detection r = Runs.detect(new SequencesDetector(target), Map.of());
            Finding tickets = find(r, "public.ticket_seq").orElseThrow();
            assertThat(tickets.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(tickets.evidence().get("column_type")).isEqualTo("integer");
            assertThat(tickets.evidence().get("limit")).isEqualTo("2147483647");
            assertThat(tickets.evidence().get("columns")).isEqualTo("public.tickets.id");
            Finding visits = find(r, "public.visits_id_seq").orElseThrow();
            assertThat(visits.severity()).isEqualTo(Severity.WARNING);
            assertThat(r.findings()).hasSize(2);
            assertThat(Runs.signal(r, "postgres.sequences.used.top", "1").orElseThrow()).isGreaterThan(0.95);
        }
    }

    @Test
    void aHealthyDatabaseIsSilent(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("create table users (id bigserial primary key, email text not null, team int not null)");
            s.execute("create unique index users_email on users (email)");
            s.execute("create index users_team on users (team)");
            s.execute("insert into users (email, team) select 'u' || g || '@x', g % 50 from generate_series(1, 20000) g");
            s.execute("vacuum analyze users");
            s.execute("set enable_seqscan = off");
            try (ResultSet rs = s.executeQuery("select count(*) from users where team = 7")) {
                rs.next();
            }
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("healthy", db.jdbcUrl())) {
            IndexesDetector indexes = new IndexesDetector(target);
            Map<String, String> strict = Map.of("unused.min-size", "0", "unused.min-stats-age", "0s");
            await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(Runs.above(Runs.detect(indexes, strict), Severity.INFO)).isEmpty());
            Detection health = Runs.detect(new TableHealthDetector(target), Map.of());
            assertThat(Runs.above(health, Severity.INFO)).isEmpty();
            assertThat(health.notes()).isEmpty();
            assertThat(health.truncated()).isZero();
            Detection sequences = Runs.detect(new SequencesDetector(target), Map.of());
            assertThat(Runs.above(sequences, Severity.INFO)).isEmpty();
            assertThat(sequences.notes()).isEmpty();
            Detection wrap = Runs.detect(new WraparoundDetector(target), Map.of());
            assertThat(Runs.above(wrap, Severity.INFO)).isEmpty();
            assertThat(wrap.notes()).isEmpty();
            assertThat(Runs.signal(wrap, "postgres.wraparound.age", "xid").orElseThrow()).isPositive();
        }
    }

    private static Optional<Finding> find(Detection r, String subject) {
        return r.findings().stream().filter(f -> f.subject().equals(subject)).findFirst();
    }
}
