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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * postgres.growth on a database of its own: a table grown between two runs against a small configured limit is
 * forecast to fill it; without a limit the same growth publishes gauges only; a database that keeps its size
 * under a generous limit raises nothing; a table under an exclusive lock is estimated, not waited for.
 */
@ExtendWith(PostgresExtension.class)
class GrowthIT {

    @Test
    void aTableGrownBetweenTwoRunsIsForecastToFillASmallLimit(TestPostgres pg) throws Exception {
        TestPostgres db = withJournal(pg);
        try (PostgresTarget target = PostgresTarget.fromUrl("growth", db.jdbcUrl())) {
            GrowthDetector d = new GrowthDetector(target);
            Detection first = Runs.detect(d, Map.of());
            assertThat(first.findings()).isEmpty();
            assertThat(Runs.signal(first, "postgres.database.growth")).isEmpty();
            long before = size(db);
            // about 20 MB written
            db.execute("insert into journal select g, repeat('j', 200) from generate_series(1, 80000) g;");
            long after = size(db);
            assertThat(after - before).isGreaterThan(10L * 1024 * 1024);
            // 80 % used: under used.warning, over forecast.min-used; at this rate the rest goes in seconds
            long limit = after * 5 / 4;
            Detection r = Runs.detect(d, Map.of("limit.database", Long.toString(limit)));
            Finding f = r.findings().stream().filter(x -> x.subject().equals("database " + db.database())).findFirst()
                    .orElseThrow();
            assertThat(f.problem()).isEqualTo(Problem.STORAGE_BLOAT);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.summary()).contains("reaches the limit in").contains("limit.database");
            assertThat(f.evidence()).containsEntry("limit_bytes", limit);
            assertThat((Double) f.evidence().get("used_ratio")).isBetween(0.75, 0.85);
            assertThat((Long) f.evidence().get("seconds_left")).isLessThan(Duration.ofHours(4).toSeconds());
            assertThat((Double) f.evidence().get("growth_bytes_per_second")).isPositive();
            assertThat((String) f.evidence().get("largest_relations")).startsWith("public.journal ").contains("(+");
            assertThat(r.findings()).hasSize(1);
            assertThat(Runs.signal(r, "postgres.database.size").orElseThrow()).isGreaterThanOrEqualTo((double) after);
            assertThat(Runs.signal(r, "postgres.database.growth").orElseThrow()).isPositive();
            assertThat(Runs.signal(r, "postgres.database.limit.used").orElseThrow()).isBetween(0.75, 0.85);
            assertThat(Runs.signal(r, "postgres.database.limit.time_left").orElseThrow())
                    .isLessThan(Duration.ofHours(4).toSeconds());
            assertThat(Runs.signal(r, "postgres.relations.size.top", "1").orElseThrow()).isGreaterThan(10.0 * 1024 * 1024);
        }
    }

    @Test
    void withoutALimitGrowthPublishesGaugesOnly(TestPostgres pg) throws Exception {
        TestPostgres db = withJournal(pg);
        try (PostgresTarget target = PostgresTarget.fromUrl("growth-gauges", db.jdbcUrl())) {
            GrowthDetector d = new GrowthDetector(target);
            Runs.detect(d, Map.of());
            db.execute("insert into journal select g, repeat('j', 200) from generate_series(1, 40000) g;");
            Detection r = Runs.detect(d, Map.of());
            assertThat(r.findings()).isEmpty();
            assertThat(r.notes()).isEmpty();
            assertThat(Runs.signal(r, "postgres.database.size").orElseThrow()).isPositive();
            assertThat(Runs.signal(r, "postgres.database.growth").orElseThrow()).isPositive();
            assertThat(Runs.signal(r, "postgres.relations.size.top", "1").orElseThrow()).isGreaterThan(5.0 * 1024 * 1024);
            assertThat(Runs.signal(r, "postgres.database.limit.used")).isEmpty();
            assertThat(Runs.signal(r, "postgres.database.limit.time_left")).isEmpty();
        }
    }

    @Test
    void aDatabaseWithMoreRelationsThanTheCapIsEstimatedAndSaysSo(TestPostgres pg) throws Exception {
        TestPostgres db = withJournal(pg);
        // never vacuumed nor analyzed: pg_class says nothing of these 20 MB; only the measured top relation does
        db.execute("insert into journal select g, repeat('j', 200) from generate_series(1, 80000) g;");
        try (PostgresTarget target = PostgresTarget.fromUrl("growth-estimated", db.jdbcUrl())) {
            GrowthDetector d = new GrowthDetector(target);
            Detection r = Runs.detect(d, Map.of("exact.max-relations", "0"));
            long exact = size(db);
            assertThat(r.notes()).singleElement().asString().contains("estimated from pg_class")
                    .contains("postgres.growth.exact.max-relations = 0");
            assertThat(Runs.signal(r, "postgres.database.size").orElseThrow())
                    .isBetween(0.7 * exact, 1.1 * exact);
            // a limit is judged on the exact size, whatever the cap
            Detection limited = Runs.detect(d, Map.of("exact.max-relations", "0", "limit.database", "100GB"));
            assertThat(limited.notes()).isEmpty();
            assertThat(Runs.signal(limited, "postgres.database.size").orElseThrow()).isGreaterThanOrEqualTo((double) exact);
        }
    }

    @Test
    void aSteadyDatabaseUnderAGenerousLimitIsSilent(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute("""
                create table users (id bigserial primary key, email text not null);
                insert into users (email) select 'u' || g || '@x' from generate_series(1, 10000) g;
                vacuum analyze users;
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("growth-healthy", db.jdbcUrl())) {
            GrowthDetector d = new GrowthDetector(target);
            Map<String, String> limit = Map.of("limit.database", "100GB");
            Runs.detect(d, limit);
            Detection r = Runs.detect(d, limit);
            assertThat(Runs.above(r, Severity.INFO)).isEmpty();
            assertThat(r.notes()).isEmpty();
            assertThat(Runs.signal(r, "postgres.database.limit.used").orElseThrow()).isLessThan(0.01);
        }
    }

    @Test
    void aTableUnderAnExclusiveLockIsEstimatedNotWaitedFor(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute("""
                create table ledger (id int, pad text);
                insert into ledger select g, repeat('l', 200) from generate_series(1, 40000) g;
                analyze ledger;
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("growth-locked", db.jdbcUrl());
             Connection holder = db.connect(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("lock table ledger in access exclusive mode");
            // a limit the database is already past: a finding that names the relations at once
            Detection r = Runs.detect(new GrowthDetector(target), Map.of("limit.database", "1MB"));
            Finding f = r.findings().get(0);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.summary()).contains("has reached the limit");
            assertThat((String) f.evidence().get("largest_relations")).startsWith("public.ledger ")
                    .contains("estimated, locked");
            holder.rollback();
        }
    }

    /** A database of its own with an empty table to grow. */
    private static TestPostgres withJournal(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute("create table journal (id int, pad text);");
        return db;
    }

    private static long size(TestPostgres db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
