package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.support.Runs;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * postgres.rollbacks on databases of their own: a workload of mostly rolled-back transactions between two runs
 * fires; a committing workload, a few rollbacks below the floor and a database where only Telltale runs stay quiet.
 * The counters are watched from another database, so the test's own checks never count in the watched one.
 */
@ExtendWith(PostgresExtension.class)
class RollbacksIT {

    @Test
    void mostlyRolledBackTransactionsInTheWindowFire(TestPostgres pg) throws Exception {
        TestPostgres db = settled(pg);
        try (PostgresTarget target = PostgresTarget.fromUrl("rollbacks", db.jdbcUrl())) {
            RollbacksDetector d = new RollbacksDetector(target);
            assertThat(Runs.detect(d, Map.of()).findings()).isEmpty(); // the baseline
            Detection r = windowOf(d, pg, db, 180, 20);
            Finding f = r.findings().stream().findFirst().orElseThrow();
            assertThat(f.problem()).isEqualTo(Problem.RETRY_STORM);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL); // 90 % >= critical 0.5
            assertThat(f.subject()).isEqualTo("database " + db.database() + " (rollbacks)");
            assertThat(f.summary()).contains("were rolled back").contains(db.database());
            assertThat((Long) f.evidence().get("rollbacks")).isEqualTo(180L);
            assertThat((Long) f.evidence().get("commits")).isBetween(20L, 25L);
            assertThat((Double) f.evidence().get("rollback_ratio")).isGreaterThan(0.85);
            assertThat((String) f.evidence().get("measured")).contains("Telltale's own connection");
            assertThat(Runs.signal(r, "postgres.rollbacks.ratio").orElseThrow()).isGreaterThan(0.85);
            assertThat(Runs.signal(r, "postgres.rollbacks.window")).contains(180.0);
        }
    }

    @Test
    void committingWorkAndRollbacksBelowTheFloorStayQuiet(TestPostgres pg) throws Exception {
        TestPostgres db = settled(pg);
        try (PostgresTarget target = PostgresTarget.fromUrl("commits", db.jdbcUrl())) {
            RollbacksDetector d = new RollbacksDetector(target);
            Runs.detect(d, Map.of());
            Detection healthy = windowOf(d, pg, db, 0, 300);
            assertThat(healthy.findings()).isEmpty();
            assertThat(Runs.signal(healthy, "postgres.rollbacks.ratio")).contains(0.0);
            assertThat(Runs.signal(healthy, "postgres.rollbacks.transactions").orElseThrow()).isGreaterThanOrEqualTo(300.0);

            // every transaction rolled back, but 50 of them: below min-transactions (100), not judged
            Detection few = windowOf(d, pg, db, 50, 0);
            assertThat(few.findings()).isEmpty();
            assertThat(Runs.signal(few, "postgres.rollbacks.window")).contains(50.0);
            assertThat(Runs.signal(few, "postgres.rollbacks.transactions").orElseThrow()).isLessThan(100.0);
        }
    }

    @Test
    void anIdleDatabaseWatchedByEveryDetectorStaysAtZeroRollbacks(TestPostgres pg) throws Exception {
        TestPostgres db = settled(pg);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long[] before;
        try (PostgresTarget target = PostgresTarget.fromUrl("idle", db.jdbcUrl());
             DetectorEngine engine = DetectorEngine.builder().detectors(PostgresDetectors.forTarget(target)).build()) {
            engine.bindTo(registry);
            // with no window the delta is not judged
            Report oneShot = engine.runOnce(Duration.ZERO);
            RunRecord run = oneShot.runs().stream().filter(x -> x.detector().equals(RollbacksDetector.ID)).findFirst().orElseThrow();
            assertThat(run.outcome().kind()).isEqualTo("not-judged");
            awaitQuiet(pg, db.database());
            before = counters(pg, db.database());
            for (int i = 0; i < 3; i++) {
                Report report = engine.runOnce(Duration.ofMillis(500));
                assertThat(report.runs()).allSatisfy(x -> assertThat(x.outcome().kind()).as(x.detector()).isEqualTo("ok"));
                assertThat(report.findings()).noneMatch(f -> f.detector().equals(RollbacksDetector.ID));
                assertThat(registry.find("telltale.postgres.rollbacks.window").tag("target", "idle").gauge().value()).isZero();
            }
        }
        // the target is closed: its backend has exited and flushed its counts. Dozens of Telltale transactions, no rollback
        long[] after = awaitQuiet(pg, db.database());
        assertThat(after[1] - before[1]).as("Telltale's transactions committed").isGreaterThan(20);
        assertThat(after[0] - before[0]).as("Telltale's transactions rolled back").isZero();
    }

    /** A new database whose statistics have settled, so that a first sample and the next compare. */
    private static TestPostgres settled(TestPostgres pg) {
        TestPostgres db = pg.newDatabase();
        awaitQuiet(pg, db.database());
        return db;
    }

    /** The detector's next run after the workload's transactions reached pg_stat_database: its window holds them. */
    private static Detection windowOf(RollbacksDetector d, TestPostgres pg, TestPostgres db, int rollbacks, int commits)
            throws Exception {
        long[] before = counters(pg, db.database());
        workload(db, rollbacks, commits);
        awaitCounted(pg, db.database(), before, rollbacks, commits);
        return Runs.detect(d, Map.of());
    }

    /** Runs {@code rollbacks} rolled-back and {@code commits} committed transactions in {@code db}, then disconnects. */
    private static void workload(TestPostgres db, int rollbacks, int commits) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 0; i < rollbacks + commits; i++) {
                s.execute("select 1");
                if (i < rollbacks) {
                    c.rollback();
                } else {
                    c.commit();
                }
            }
        }
    }

    /** Waits until the workload's transactions reached pg_stat_database (a backend flushes them when it exits). */
    private static void awaitCounted(TestPostgres pg, String database, long[] before, long rollbacks, long commits) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            long[] now = counters(pg, database);
            return now[0] - before[0] >= rollbacks && now[1] - before[1] >= commits;
        });
    }

    /**
     * The counters once they stopped moving for a second: every backend that worked in {@code database} has flushed
     * (before 15 the statistics collector also starts a new database's entry, with its stats_reset, only then).
     */
    private static long[] awaitQuiet(TestPostgres pg, String database) {
        long[][] last = {counters(pg, database)};
        long[] stable = new long[2];
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> {
                    long[] now = counters(pg, database);
                    boolean same = java.util.Arrays.equals(now, last[0]);
                    last[0] = now;
                    stable[0] = now[0];
                    stable[1] = now[1];
                    return same;
                });
        return stable;
    }

    /** {xact_rollback, xact_commit, stats_reset in ms or -1} of {@code database}, read from the class's own database. */
    private static long[] counters(TestPostgres pg, String database) {
        try (Connection c = pg.connect();
             PreparedStatement s = c.prepareStatement("select xact_rollback, xact_commit, "
                     + "coalesce(extract(epoch from stats_reset) * 1000, -1)::int8 from pg_stat_database where datname = ?")) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
