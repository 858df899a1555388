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
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a run leaves out, said: a finding list cut at its cap counts the rest ({@code truncated}) and names the
 * setting in a note; a verdict a default withholds (statistics too young, bloat under the floor) is a note
 * naming the setting, not silence. Each test in a database of its own.
 */
@ExtendWith(PostgresExtension.class)
class ListsAndNotesIT {

    @Test
    void moreRedundantIndexesThanTheCapAreCountedNotDropped(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("create table orders (id int primary key, customer int not null)");
            // 260 identical indexes: every one but the oldest is redundant, 259 in all against the cap of 200
            for (int i = 0; i < 260; i++) {
                s.execute("create index orders_customer_" + i + " on orders (customer)");
            }
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("indexes", db.jdbcUrl())) {
            Detection r = Runs.detect(new IndexesDetector(target), Map.of());
            assertThat(r.findings()).hasSize(200)
                    .allSatisfy(f -> assertThat(f.subject()).endsWith(" (redundant)"));
            assertThat(r.truncated()).isEqualTo(59);
            assertThat(r.notes()).singleElement().asString()
                    .isEqualTo("200 unused, redundant, invalid or badly built indexes listed and 59 more left out: "
                            + "postgres.indexes.limit = 200 caps the list");

            Detection small = Runs.detect(new IndexesDetector(target), Map.of("limit", "300"));
            assertThat(small.findings()).hasSize(259);
            assertThat(small.truncated()).isZero();
            assertThat(small.notes()).isEmpty();
        }
    }

    @Test
    void youngStatisticsAreANoteNamingTheSetting(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute("""
                create table events (id int primary key, ref int not null);
                insert into events select g, g from generate_series(1, 1000) g;
                create index events_ref on events (ref);
                -- the statistics of this database start now
                select pg_stat_reset();
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("young", db.jdbcUrl())) {
            IndexesDetector d = new IndexesDetector(target);
            Detection r = Runs.detect(d, Map.of("unused.min-size", "0"));
            assertThat(r.findings()).isEmpty();
            assertThat(r.truncated()).isZero();
            assertThat(r.notes()).singleElement().asString()
                    .startsWith("1 of the indexes have not been scanned since the statistics started ")
                    .contains("postgres.indexes.unused.min-stats-age = 7d withholds the verdict");

            // the setting the note names is the way to the verdict
            Detection judged = Runs.detect(d, Map.of("unused.min-size", "0", "unused.min-stats-age", "0s"));
            assertThat(judged.findings()).singleElement().satisfies(f -> {
                assertThat(f.problem()).isEqualTo(Problem.UNUSED_INDEXES);
                assertThat(f.subject()).isEqualTo("public.events_ref");
            });
            assertThat(judged.notes()).isEmpty();
        }
    }

    private static long deadTuples(TestPostgres db, String table) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("select pg_stat_get_dead_tuples('" + table + "'::regclass)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void tablesPastTheCapAreCountedAndBloatUnderTheFloorIsANote(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (int i = 1; i <= 4; i++) {
                s.execute("create table t" + i + " (id int primary key, v int not null, note text not null) "
                        + "with (autovacuum_enabled = false)");
                s.execute("insert into t" + i + " select g, 0, repeat('n', 30) from generate_series(1, " + (i * 1000) + ") g");
                s.execute("update t" + i + " set v = v + 1");
            }
            s.execute("create table wasted (id int primary key, v int not null, note text not null) "
                    + "with (autovacuum_enabled = false)");
            s.execute("insert into wasted select g, 0, repeat('n', 30) from generate_series(1, 100000) g");
            s.execute("delete from wasted where id % 4 <> 0");
        }
        // vacuum only once the delete's counts have reached the statistics, or they would land after its reset
        await().atMost(Duration.ofSeconds(30)).until(() -> deadTuples(db, "wasted") >= 75_000);
        db.execute("vacuum analyze wasted"); // no dead tuples left, the empty space stays
        await().atMost(Duration.ofSeconds(30)).until(() -> deadTuples(db, "wasted") == 0);
        try (PostgresTarget target = PostgresTarget.fromUrl("tables", db.jdbcUrl())) {
            TableHealthDetector d = new TableHealthDetector(target);
            await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                // the four updated tables are candidates (dead tuples past their trigger); two fit in the list
                Detection r = Runs.detect(d, Map.of("limit", "2"));
                assertThat(r.truncated()).isEqualTo(2);
                assertThat(r.notes()).contains("2 tables past a dead-tuple or bloat floor listed and 2 more left out: "
                        + "postgres.table-health.limit = 2 caps the list");
            });
            await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                // about 75 % of wasted is empty, some MB: under a floor of 30 MB but above a tenth of it
                Detection r = Runs.detect(d, Map.of("bloat.warning", "30MB", "bloat.critical", "1GB"));
                assertThat(r.findings()).noneMatch(f -> f.subject().equals("public.wasted (bloat)"));
                assertThat(r.truncated()).isZero();
                assertThat(r.notes()).singleElement().asString()
                        .startsWith("1 of the tables waste an estimated 30 % or more of their size, at least 3.0 MB but less "
                                + "than the floor of 30.0 MB (the largest listed: public.wasted, about ")
                        .endsWith("postgres.table-health.bloat.warning = 30MB withholds the verdict (lower it to have "
                                + "them reported)");
                Detection lower = Runs.detect(d, Map.of("bloat.warning", "1MB", "bloat.critical", "1GB"));
                Finding bloat = lower.findings().stream().filter(f -> f.subject().equals("public.wasted (bloat)"))
                        .findFirst().orElseThrow();
                assertThat(bloat.severity()).isEqualTo(Severity.WARNING);
                assertThat(lower.notes()).isEmpty();
            });
        }
    }
}
