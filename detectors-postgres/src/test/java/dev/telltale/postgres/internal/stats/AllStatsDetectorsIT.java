package dev.telltale.postgres.internal.stats;

import dev.telltale.core.DetectorEngine;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every detector of PostgresDetectors.forTarget through a real engine: each run ends ok (or skipped with a
 * reason), the gauges reach a Micrometer registry under one tag-key set each, and a quiet database raises
 * nothing above INFO. Also: statements without the extension, and size functions beside an exclusive lock.
 */
@ExtendWith(PostgresExtension.class)
class AllStatsDetectorsIT {

    @Test
    void oneShotReportOfAQuietDatabase(TestPostgres pg) throws Exception {
        pg.execute("""
                create extension if not exists pg_stat_statements;
                create table notes (id bigserial primary key, body text);
                insert into notes (body) select 'n' || g from generate_series(1, 1000) g;
                """);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PostgresTarget target = PostgresTarget.fromUrl("quiet", pg.jdbcUrl());
             DetectorEngine engine = DetectorEngine.builder().detectors(PostgresDetectors.forTarget(target)).build()) {
            engine.bindTo(registry);
            Report report = engine.runOnce(Duration.ofMillis(500));
            for (RunRecord run : report.runs()) {
                assertThat(run.outcome().kind()).as(run.detector() + ": " + run.outcome()).isIn("ok");
            }
            assertThat(report.findings()).allSatisfy(f -> assertThat(f.severity())
                    .as(f.detector() + " " + f.subject() + ": " + f.summary()).isEqualTo(Severity.INFO));
            assertThat(registry.find("telltale.postgres.wraparound.age").tag("target", "quiet").tag("kind", "xid").gauge())
                    .isNotNull();
            assertThat(registry.find("telltale.postgres.statements.flagged").tag("kind", "n_plus_one").gauge().value()).isZero();
            assertThat(registry.find("telltale.postgres.tables.writes.share.top").tag("rank", "1").gauge()).isNotNull();
            assertThat(registry.find("telltale.postgres.indexes.flagged").tag("kind", "invalid").gauge().value()).isZero();
            assertThat(registry.find("telltale.postgres.replication.standbys").gauge().value()).isZero();
        }
    }

    @Test
    void statementsWithoutTheExtensionIsSkippedWithWhatToDo(TestPostgres pg) throws Exception {
        TestPostgres bare = pg.newDatabase();
        bare.execute("drop extension if exists pg_stat_statements"); // the test kit installs it in its databases
        try (PostgresTarget target = PostgresTarget.fromUrl("bare", bare.jdbcUrl())) {
            var r = Runs.detect(new StatementsDetector(target), Map.of());
            assertThat(r.isSkipped()).isTrue();
            assertThat(r.skipReason().orElseThrow()).contains("shared_preload_libraries")
                    .contains("create extension pg_stat_statements;");
        }
    }

    @Test
    void aTableUnderAnExclusiveLockDoesNotStallTheDetectors(TestPostgres pg) throws Exception {
        TestPostgres db = pg.newDatabase();
        db.execute("""
                create table busy (id int primary key, v int) with (autovacuum_enabled = false);
                create index busy_v on busy (v);
                insert into busy select g, g from generate_series(1, 30000) g;
                delete from busy where id % 2 = 0;
                """);
        try (PostgresTarget target = PostgresTarget.fromUrl("locked", db.jdbcUrl());
             Connection ddl = db.connect(); Statement s = ddl.createStatement()) {
            ddl.setAutoCommit(false);
            s.execute("lock table busy in access exclusive mode"); // what a long ALTER TABLE holds
            TableHealthDetector health = new TableHealthDetector(target);
            // the counters still come through (lock_timeout would fail the run otherwise); only the size that
            // needs a lock on the table is left out
            org.awaitility.Awaitility.await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var dead = Runs.detect(health, Map.of()).findings().stream()
                        .filter(f -> f.subject().equals("public.busy (dead tuples)")).findFirst().orElseThrow();
                assertThat(dead.evidence()).doesNotContainKey("total_bytes").containsEntry("dead_tuples", 15000L);
            });
            var indexes = Runs.detect(new IndexesDetector(target), Map.of("unused.min-size", "0", "unused.min-stats-age", "0s"));
            assertThat(indexes.findings()).isNotNull();
            ddl.rollback();
        }
    }
}
