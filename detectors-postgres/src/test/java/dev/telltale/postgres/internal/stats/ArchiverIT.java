package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.support.PrivateServer;
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
import static org.awaitility.Awaitility.await;

/**
 * postgres.archiver on private servers with archiving on: an archive_command that always fails (/bin/false) while
 * WAL segments are completed with pg_switch_wal(), so pg_stat_archiver counts failures and .ready files pile up in
 * pg_wal/archive_status for real; and one that always succeeds (/bin/true), which stays silent.
 */
@ExtendWith(PostgresExtension.class)
class ArchiverIT {

    @Test
    void aFailingArchiveCommandIsReportedWithItsBacklog(TestPostgres kit) throws Exception {
        try (PrivateServer server = PrivateServer.primary(kit, "archive_mode = on", "archive_command = '/bin/false'");
             PostgresTarget target = PostgresTarget.fromUrl("archiving", server.jdbcUrl("postgres"))) {
            ArchiverDetector d = new ArchiverDetector(target);
            // each completed segment is one more .ready file the archiver fails on
            completeSegmentsUntil(server, s -> failedCount(s) > 0 && readyFiles(s) >= 3);
            Detection first = Runs.detect(d, Map.of("for", "0s"));
            Detection r = await().atMost(Duration.ofSeconds(30)).until(() -> Runs.detect(d, Map.of("for", "0s")),
                    x -> x.findings().size() == 1);
            Finding f = r.findings().get(0);
            assertThat(f.problem()).isEqualTo(Problem.STORAGE_BLOAT);
            assertThat(f.subject()).isEqualTo("wal archiver");
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.summary()).contains("WAL archiving is failing").contains("segments").contains("wait in pg_wal");
            assertThat((Long) f.evidence().get("ready_files")).isGreaterThanOrEqualTo(3L);
            assertThat((Long) f.evidence().get("failed_count")).isGreaterThan(0L);
            assertThat(f.evidence()).containsEntry("archive_mode", "on").containsEntry("archiver", "archive_command")
                    .containsEntry("last_archived_wal", "none").containsKey("failing_since")
                    .containsKey("first_failure_seen").containsKey("failed_since_last_run");
            assertThat((String) f.evidence().get("last_failed_wal")).matches("[0-9A-F]{24}");
            assertThat((String) f.evidence().get("coverage")).contains("pg_ls_archive_statusdir()");
            assertThat(f.hint()).contains("server log").doesNotContain("archive_mode = off").contains("Never delete");
            assertThat(Runs.signal(r, "postgres.archiver.failing")).contains(1.0);
            assertThat(Runs.signal(r, "postgres.archiver.ready").orElseThrow()).isGreaterThanOrEqualTo(3.0);
            assertThat(Runs.signal(r, "postgres.archiver.ready.age")).isPresent();
            assertThat(first.findings()).hasSize(1); // judged from one sample too: the window only adds the failure count

            // a backlog past critical-ready is critical
            Finding critical = Runs.detect(d, Map.of("for", "0s", "critical-ready", "2")).findings().get(0);
            assertThat(critical.severity()).isEqualTo(Severity.CRITICAL);

            // a role that may not list pg_wal/archive_status: the finding still fires from the view and says so
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("create role watcher login");
            }
            try (PostgresTarget plain = PostgresTarget.fromUrl("plain", server.jdbcUrl("postgres").replace("user=postgres", "user=watcher"))) {
                Detection p = Runs.detect(new ArchiverDetector(plain), Map.of("for", "0s"));
                Finding pf = p.findings().get(0);
                assertThat(pf.subject()).isEqualTo("wal archiver");
                assertThat(pf.evidence()).doesNotContainKey("ready_files");
                assertThat((String) pf.evidence().get("coverage")).contains("not counted").contains("pg_monitor");
                assertThat(pf.summary()).contains("the backlog in pg_wal was not counted");
                assertThat(Runs.signal(p, "postgres.archiver.ready")).isEmpty();
                assertThat(Runs.signal(p, "postgres.archiver.failing")).contains(1.0);
            }
        }
    }

    @Test
    void archivingOnWithNoCommandKeepsEverySegmentAndIsReported(TestPostgres kit) throws Exception {
        try (PrivateServer server = PrivateServer.primary(kit, "archive_mode = on", "archive_command = ''");
             PostgresTarget target = PostgresTarget.fromUrl("unset", server.jdbcUrl("postgres"))) {
            completeSegmentsUntil(server, s -> readyFiles(s) >= 2);
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                assertThat(failedCount(s)).isZero(); // nothing is tried, so nothing fails
            }
            Detection r = Runs.detect(new ArchiverDetector(target), Map.of("for", "0s"));
            Finding f = r.findings().get(0);
            assertThat(f.problem()).isEqualTo(Problem.STORAGE_BLOAT);
            assertThat(f.summary()).contains("neither archive_command nor archive_library is set");
            assertThat((Long) f.evidence().get("ready_files")).isGreaterThanOrEqualTo(2L);
            assertThat(f.hint()).contains("set the archive_command");
            assertThat(Runs.signal(r, "postgres.archiver.failing")).contains(1.0);
        }
    }

    @Test
    void anArchiverThatSucceedsIsSilent(TestPostgres kit) throws Exception {
        try (PrivateServer server = PrivateServer.primary(kit, "archive_mode = on", "archive_command = '/bin/true'");
             PostgresTarget target = PostgresTarget.fromUrl("archiving", server.jdbcUrl("postgres"))) {
            ArchiverDetector d = new ArchiverDetector(target);
            Runs.detect(d, Map.of("for", "0s"));
            completeSegmentsUntil(server, s -> archivedCount(s) >= 3);
            Detection r = Runs.detect(d, Map.of("for", "0s"));
            assertThat(r.findings()).isEmpty();
            assertThat(Runs.signal(r, "postgres.archiver.failing")).contains(0.0);
            assertThat(Runs.signal(r, "postgres.archiver.failed")).contains(0.0);
            assertThat(Runs.signal(r, "postgres.archiver.ready")).isPresent();
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds(Statement s) throws Exception;
    }

    /** Writes a little WAL and completes the segment (pg_switch_wal) until {@code done} holds. */
    private static void completeSegmentsUntil(PrivateServer server, Check done) throws Exception {
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("create table if not exists filler (id int, pad text)");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                s.execute("insert into filler select g, 'x' from generate_series(1, 100) g");
                s.execute("select pg_switch_wal()");
                return done.holds(s);
            });
        }
    }

    private static long failedCount(Statement s) throws Exception {
        return one(s, "select failed_count from pg_stat_archiver");
    }

    private static long archivedCount(Statement s) throws Exception {
        return one(s, "select archived_count from pg_stat_archiver");
    }

    private static long readyFiles(Statement s) throws Exception {
        return one(s, "select count(*) from pg_ls_archive_statusdir() where name like '%.ready'");
    }

    private static long one(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
