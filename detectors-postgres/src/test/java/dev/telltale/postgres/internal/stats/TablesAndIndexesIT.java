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
        pg.execute("""
                create table accounts (id int primary key, balance int not null, note text not null) with (autovacuum_enabled = false);
                insert into accounts select g, 0, repeat('n', 30) from generate_series(1, 100000) g;
                update accounts set balance = balance + 1;
                update accounts set balance = balance + 1;
                analyze accounts;
                """);
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
        db.execute("""
                -- never vacuumed nor analyzed: pg_class.relpages is still 0 although the file holds ~15 MB
                create table journal (id int, pad text) with (autovacuum_enabled = false);
                insert into journal select g, repeat('j', 100) from generate_series(1, 110000) g;
                delete from journal where id <= 60000;
                """);
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
        db.execute("""
                create table events (id int primary key, kind int not null, ref int not null, at int not null);
                insert into events select g, g % 10, g, g from generate_series(1, 20000) g;
                create index events_ref_unused on events (ref);
                create index events_kind on events (kind);
                create index events_kind_again on events (kind);
                create index events_kind_at on events (kind, at);
                """);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
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
            db.execute("insert into wide select g, g, g, g, g, g, g, g, g from generate_series(1, 5000) g");
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
    void ofIdenticalIndexesExactlyOneIsReportedAndNeverTheOneThatMustStay(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("create table orders (id int primary key, customer int not null, code text not null, "
                    + "ref int not null, placed int not null) with (autovacuum_enabled = false)");
            s.execute("insert into orders select g, g % 1000, 'c' || g, g, g from generate_series(1, 50000) g");
            // the oldest copy, bloated by updates; its younger twin is compact, so the planner scans that one
            s.execute("create index on orders (customer)");
            s.execute("update orders set customer = customer + 0");
            s.execute("update orders set customer = customer + 0");
            s.execute("vacuum orders");
            s.execute("create index on orders (customer)");
            // a unique constraint and a plain unique index on the same column: the constraint's must stay
            s.execute("alter table orders add constraint orders_code_key unique (code)");
            s.execute("create unique index orders_code_copy on orders (code)");
            // an older unique index, then a constraint on the same column: age does not beat the constraint
            s.execute("create unique index orders_ref_first on orders (ref)");
            s.execute("alter table orders add constraint orders_ref_key unique (ref)");
            // a copy of the primary key's index
            s.execute("create index orders_id_copy on orders (id)");
            // twins nobody scans, as a schema tool re-creating unnamed indexes leaves them: the oldest stays
            s.execute("create index on orders (placed)");
            s.execute("create index on orders (placed)");
            s.execute("set enable_seqscan = off");
            for (int i = 0; i < 5; i++) {
                try (ResultSet rs = s.executeQuery("select count(*) from orders where customer = " + i)) {
                    rs.next();
                }
            }
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("twins", db.jdbcUrl())) {
            IndexesDetector d = new IndexesDetector(target);
            await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(scans(db, "orders_customer_idx1")).isGreaterThan(scans(db, "orders_customer_idx"));
                Detection r = Runs.detect(d, Map.of());
                List<Finding> redundant = r.findings().stream().filter(f -> f.subject().endsWith(" (redundant)")).toList();
                // the most scanned copy stays although it is the younger one
                assertThat(find(r, "public.orders_customer_idx (redundant)").orElseThrow().evidence())
                        .containsEntry("covered_by", "public.orders_customer_idx1");
                assertThat(find(r, "public.orders_customer_idx1 (redundant)")).isEmpty();
                // the index backing a constraint stays, whether it is the younger or the older one
                assertThat(find(r, "public.orders_code_copy (redundant)").orElseThrow().evidence())
                        .containsEntry("covered_by", "public.orders_code_key");
                assertThat(find(r, "public.orders_ref_first (redundant)").orElseThrow().evidence())
                        .containsEntry("covered_by", "public.orders_ref_key");
                assertThat(find(r, "public.orders_id_copy (redundant)").orElseThrow().evidence())
                        .containsEntry("covered_by", "public.orders_pkey");
                // unscanned twins: the oldest stays
                assertThat(find(r, "public.orders_placed_idx1 (redundant)").orElseThrow().evidence())
                        .containsEntry("covered_by", "public.orders_placed_idx");
                // exactly one per pair, and no hint names an index that backs a constraint
                assertThat(redundant).extracting(Finding::subject).containsExactlyInAnyOrder(
                        "public.orders_customer_idx (redundant)", "public.orders_code_copy (redundant)",
                        "public.orders_ref_first (redundant)", "public.orders_id_copy (redundant)",
                        "public.orders_placed_idx1 (redundant)");
                assertThat(redundant).noneMatch(f -> f.hint().contains("_key;") || f.hint().contains("_pkey;"));
            });
        }
    }

    private static long scans(TestPostgres db, String index) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select idx_scan from pg_stat_user_indexes where indexrelname = '" + index + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void sequencesNearTheirColumnsLimit(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute("""
                -- a bigint sequence feeding an int4 column: only the column type tells how close the end is
                create sequence ticket_seq as bigint;
                create table tickets (id int primary key default nextval('ticket_seq'), note text);
                alter sequence ticket_seq owned by tickets.id;
                -- 95.9 % of 2^31-1
                select setval('ticket_seq', 2060000000);
                create table visits (id int generated always as identity primary key, note text);
                -- 88.5 %
                select setval(pg_get_serial_sequence('visits', 'id'), 1900000000);
                create table fine (id bigserial primary key);
                insert into fine default values;
                """);
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
    void sequencesRatedByWhatIsLeftAndTheirRecentRate(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute("""
                -- at its maximum without cycle: 100 % used, and the next nextval fails
                create sequence tiny_seq maxvalue 100;
                select setval('tiny_seq', 100);
                -- never called, started near the end of an int4 column: last_value is null
                create sequence late_seq as integer start with 2147483600;
                -- 10 % used, silent by share; its rate between two runs decides
                create sequence busy_seq maxvalue 1000000;
                select setval('busy_seq', 100000);
                -- 10 % used and idle: silent
                create sequence idle_seq maxvalue 1000000;
                select setval('idle_seq', 100000);
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("sequences-left", db.jdbcUrl())) {
            SequencesDetector d = new SequencesDetector(target);
            Detection first = Runs.detect(d, Map.of());
            Finding tiny = find(first, "public.tiny_seq").orElseThrow();
            assertThat(tiny.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(tiny.evidence()).containsEntry("calls_left", "0").containsEntry("exhausted", true);
            assertThat(tiny.summary()).startsWith("the next nextval fails");
            Finding late = find(first, "public.late_seq").orElseThrow();
            assertThat(late.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(late.evidence()).containsEntry("called", false).containsEntry("next_value", "2147483600")
                    .containsEntry("calls_left", "48").doesNotContainKey("last_value");
            assertThat(late.summary()).contains("never called, starts at 2147483600");
            assertThat(find(first, "public.busy_seq")).isEmpty();
            assertThat(find(first, "public.idle_seq")).isEmpty();

            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("select count(nextval('busy_seq')) from generate_series(1, 20000)")) {
                    rs.next();
                }
                // its first call after a run is one call, not a jump from nothing to 2147483600
                try (ResultSet rs = s.executeQuery("select nextval('late_seq')")) {
                    rs.next();
                }
            }
            Detection second = Runs.detect(d, Map.of());
            Finding busy = find(second, "public.busy_seq").orElseThrow();
            // 880,000 calls left at thousands per second: hours, not the 7 days of time-left.critical
            assertThat(busy.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(busy.evidence()).containsEntry("calls_left", "880000");
            assertThat((Double) busy.evidence().get("calls_per_second")).isPositive();
            assertThat((Long) busy.evidence().get("seconds_left")).isLessThan(Duration.ofDays(7).toSeconds());
            assertThat(busy.summary()).contains("at the recent rate");
            assertThat(find(second, "public.idle_seq")).isEmpty();
            Finding lateAgain = find(second, "public.late_seq").orElseThrow();
            assertThat(lateAgain.evidence()).containsEntry("called", true).containsEntry("calls_left", "47");
            assertThat((Double) lateAgain.evidence().get("calls_per_second")).isLessThan(1000.0);
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
