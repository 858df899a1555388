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

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * postgres.stale-statistics on databases of its own: a table with autovacuum off for it, analyzed, then rewritten
 * is reported once the grace has passed (and not before); analyzed tables and a table autovacuum has not had its
 * chance at yet stay silent.
 */
@ExtendWith(PostgresExtension.class)
class StaleStatisticsIT {

    @Test
    void aTableWithAutovacuumOffRewrittenAfterItsAnalyzeIsReportedAfterTheGrace(TestPostgres pg) throws Exception {
        // one transaction each: a transaction's row counts reach the statistics when it ends, after an analyze inside it
        TestPostgres db = database(pg, """
                create table orders (id int primary key, status int not null) with (autovacuum_enabled = false);
                insert into orders select g, 0 from generate_series(1, 50000) g;
                """, "analyze orders;", "update orders set status = 1;");
        try (PostgresTarget target = PostgresTarget.fromUrl("stale", db.jdbcUrl())) {
            StaleStatisticsDetector d = new StaleStatisticsDetector(target);
            // within the grace: counted as past the trigger, not reported
            await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection r = Runs.detect(d, Map.of("grace", "1h"));
                assertCounts(r, 1, 0);
                assertThat(r.findings()).isEmpty();
            });
            await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection r = Runs.detect(d, Map.of("grace", "1s"));
                Finding f = find(r, "public.orders").orElseThrow();
                assertThat(f.problem()).isEqualTo(Problem.SLOW_QUERIES);
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat((Long) f.evidence().get("modified_since_analyze")).isGreaterThanOrEqualTo(50_000L);
                assertThat((Long) f.evidence().get("analyze_trigger")).isBetween(5_000L, 5_100L);
                assertThat(f.evidence()).containsEntry("autovacuum_enabled", false).containsEntry("last_autoanalyze", "never");
                assertThat((String) f.evidence().get("last_analyze")).endsWith("ago");
                assertThat(f.summary()).contains("table public.orders has had 50,000 rows modified since its last analyze")
                        .contains("autovacuum is off for it");
                assertThat(f.hint()).startsWith("analyze public.orders").contains("reset (autovacuum_enabled)");
                assertThat(r.findings()).hasSize(1);
                assertCounts(r, 1, 1);
            });
        }
    }

    @Test
    void anAnalyzedTableIsSilent(TestPostgres pg) throws Exception {
        // a few modifications after the analyze, far under the trigger
        TestPostgres db = database(pg, """
                create table users (id int primary key, team int not null);
                insert into users select g, g % 50 from generate_series(1, 50000) g;
                """, "analyze users;", "update users set team = 7 where id <= 100;");
        try (PostgresTarget target = PostgresTarget.fromUrl("stale-healthy", db.jdbcUrl())) {
            StaleStatisticsDetector d = new StaleStatisticsDetector(target);
            for (int i = 0; i < 2; i++) {
                Detection r = Runs.detect(d, Map.of("grace", "0s", "modified.min", "0"));
                assertThat(Runs.above(r, Severity.INFO)).isEmpty();
                assertThat(r.notes()).isEmpty();
                assertCounts(r, 0, 0);
            }
        }
    }

    @Test
    void aTableAutovacuumHasNotHadItsChanceAtIsSilentUnlessAutovacuumIsOffOnTheServer(TestPostgres pg) throws Exception {
        // past its trigger (never analyzed) a moment ago
        TestPostgres db = database(pg, """
                create table visits (id int primary key, n int not null);
                insert into visits select g, 0 from generate_series(1, 50000) g;
                """);
        boolean autovacuum;
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("select current_setting('autovacuum')::bool")) {
            rs.next();
            autovacuum = rs.getBoolean(1);
        }
        try (PostgresTarget target = PostgresTarget.fromUrl("stale-fresh", db.jdbcUrl())) {
            StaleStatisticsDetector d = new StaleStatisticsDetector(target);
            if (autovacuum) {
                // two samples sooner than autovacuum_naptime apart: still autovacuum's to take
                for (int i = 0; i < 2; i++) {
                    assertThat(Runs.above(Runs.detect(d, Map.of("grace", "0s")), Severity.INFO)).isEmpty();
                }
                return;
            }
            // autovacuum off on the whole server: one cause, one finding naming the table
            await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection r = Runs.detect(d, Map.of("grace", "0s"));
                assertThat(r.findings()).hasSize(1);
                Finding f = find(r, "autovacuum off").orElseThrow();
                assertThat(f.problem()).isEqualTo(Problem.SLOW_QUERIES);
                assertThat((String) f.evidence().get("stale_tables"))
                        .isEqualTo("public.visits (50,000 rows modified and no analyze on record)");
            });
        }
    }

    /** A database of its own, set up by {@code transactions}, each run as a transaction of its own. */
    private static TestPostgres database(TestPostgres pg, String... transactions) throws Exception {
        TestPostgres db = pg.newDatabase();
        for (String t : transactions) {
            db.execute(t);
        }
        return db;
    }

    private static void assertCounts(Detection r, double overdue, double stale) {
        assertThat(Runs.signal(r, "postgres.tables.analyze.overdue")).contains(overdue);
        assertThat(Runs.signal(r, "postgres.tables.statistics.stale")).contains(stale);
    }

    private static Optional<Finding> find(Detection r, String subject) {
        return r.findings().stream().filter(f -> f.subject().equals(subject)).findFirst();
    }
}
