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
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * postgres.hot-tables on this class's own database: a large table read by sequential scans, updates of an
 * indexed column (never HOT), all the traffic of a partitioned table landing in one of its six partitions,
 * and a healthy spread of index lookups that must stay silent.
 */
@ExtendWith(PostgresExtension.class)
class HotTablesIT {

    @Test
    void seqScansNonHotUpdatesAndAHotPartition(TestPostgres pg) throws Exception {
        pg.execute("""
                create table ledger (id int primary key, account int not null, amount int not null, memo text);
                create index ledger_amount on ledger (amount);
                insert into ledger select g, g % 100, g, repeat('m', 60) from generate_series(1, 200000) g;
                create table readings (device int not null, at int not null, v int) partition by list (device);
                """);
        for (int p = 0; p < 6; p++) {
            pg.execute("create table readings_" + p + " partition of readings for values in (" + p + ")");
        }
        pg.execute("analyze");
        try (PostgresTarget target = PostgresTarget.fromUrl("hot", pg.jdbcUrl())) {
            HotTablesDetector d = new HotTablesDetector(target);
            Runs.detect(d, Map.of());
            long before = seqRows(pg, "ledger");
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                for (int i = 0; i < 6; i++) {
                    try (ResultSet rs = s.executeQuery("select count(*) from ledger where memo like '%x%'")) {
                        rs.next();
                    }
                }
                s.execute("update ledger set amount = amount + 1 where id <= 20000"); // indexed column: not HOT
                s.execute("insert into readings select 3, g, g from generate_series(1, 20000) g");
                s.execute("insert into readings select p, 1, 1 from generate_series(0, 5) p");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> seqRows(pg, "ledger") >= before + 1_200_000);
            Detection r = Runs.detect(d, Map.of("seq-scan.min-size", "1MB"));

            Finding seq = find(r, "public.ledger (sequential scans)").orElseThrow();
            assertThat(seq.problem()).isEqualTo(Problem.SLOW_QUERIES);
            assertThat(seq.severity()).isEqualTo(Severity.WARNING);
            assertThat((Long) seq.evidence().get("seq_rows")).isGreaterThanOrEqualTo(1_200_000L);

            Finding hot = find(r, "public.ledger (non-HOT updates)").orElseThrow();
            assertThat(hot.severity()).isEqualTo(Severity.INFO);
            assertThat(hot.problem()).isEqualTo(Problem.WRITE_AMPLIFICATION);
            assertThat(hot.evidence().get("updates")).isEqualTo(20000L);
            assertThat(hot.evidence().get("hot_updates")).isEqualTo(0L);

            Finding skew = find(r, "public.readings (partitions)").orElseThrow();
            assertThat(skew.problem()).isEqualTo(Problem.HOT_PARTITION);
            assertThat(skew.severity()).isEqualTo(Severity.WARNING);
            assertThat(skew.evidence().get("hottest_partition")).isEqualTo("public.readings_3");
            assertThat(skew.evidence().get("partitions")).isEqualTo(6L);
            assertThat((Double) skew.evidence().get("share")).isGreaterThan(0.99);

            assertThat(Runs.signal(r, "postgres.tables.seq.rows.top", "1").orElseThrow()).isGreaterThanOrEqualTo(1_200_000.0);
            assertThat(Runs.signal(r, "postgres.tables.writes").orElseThrow()).isGreaterThanOrEqualTo(40_000.0);
            assertThat(Runs.signal(r, "postgres.tables.writes.share.top", "1").orElseThrow()).isBetween(0.4, 0.6);
            assertThat(Runs.signal(r, "postgres.partitions.skew.max").orElseThrow()).isGreaterThan(5.0);
        }
    }

    @Test
    void indexLookupsSpreadOverTablesAreSilent(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String t : new String[]{"a", "b", "c"}) {
                s.execute("create table " + t + " (id int primary key, v int)");
                s.execute("insert into " + t + " select g, g from generate_series(1, 50000) g");
            }
            s.execute("analyze");
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("calm", db.jdbcUrl())) {
            HotTablesDetector d = new HotTablesDetector(target);
            Runs.detect(d, Map.of());
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                for (int i = 1; i <= 300; i++) {
                    for (String t : new String[]{"a", "b", "c"}) {
                        try (ResultSet rs = s.executeQuery("select v from " + t + " where id = " + i)) {
                            rs.next();
                        }
                    }
                }
                s.execute("update a set v = v + 1 where id <= 100");
            }
            Detection r = Runs.detect(d, Map.of("seq-scan.min-size", "1MB"));
            assertThat(Runs.above(r, Severity.WARNING)).isEmpty();
        }
    }

    private static long seqRows(TestPostgres pg, String table) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select seq_tup_read from pg_stat_user_tables where relname = '" + table + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Optional<Finding> find(Detection r, String subject) {
        return r.findings().stream().filter(f -> f.subject().equals(subject)).findFirst();
    }
}
