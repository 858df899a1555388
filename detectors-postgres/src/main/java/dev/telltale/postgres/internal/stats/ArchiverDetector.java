package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;
import dev.telltale.postgres.internal.Words;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@code postgres.archiver}: WAL archiving that is configured and failing. pg_stat_archiver keeps the last segment
 * archived and the last that failed with their times: a failure newer than the last success means the archiver is
 * stuck on a segment (it retries the oldest one forever, in order), so every segment after it stays in pg_wal until
 * the disk fills and the server stops. The backlog (.ready files in pg_wal/archive_status) is counted on the server
 * with {@code pg_ls_archive_statusdir()} where the role may call it (pg_monitor); where it may not, the finding still
 * fires from the view and says the backlog was not looked at. With archive_mode on and neither archive_command nor
 * archive_library set, PostgreSQL archives nothing and keeps every segment, waiting for a command to be set: no
 * failure is ever counted, so that is reported as well.
 *
 * <p>The view has no time for the first failure after the last success: the finding says since when nothing has
 * been archived (the last success, else since the statistics were counted) and the earliest failure this detector
 * saw while the last success stayed the same.
 */
public final class ArchiverDetector extends PostgresDetector implements ArchiverDetectorSpec {
    private static final SqlFile<Archiver> ARCHIVER = SqlFile.load(ArchiverDetector.class, "archiver", Archiver.class);
    private static final SqlFile<Backlog> STATUS = SqlFile.load(ArchiverDetector.class, "archive-status", Backlog.class);

    private record Archiver(String archiveMode, String walLevel, Optional<Boolean> hasCommand,
                            Optional<String> archiveLibrary, boolean inRecovery, long archivedCount,
                            Optional<String> lastArchivedWal, Optional<Instant> lastArchivedTime, long failedCount,
                            Optional<String> lastFailedWal, Optional<Instant> lastFailedTime, Instant countedSince,
                            Instant now, long segmentBytes, boolean canList) {
        boolean archiving() {
            return archiveMode.equals("always") || (archiveMode.equals("on") && !inRecovery);
        }

        boolean failing() {
            return lastFailedTime.isPresent()
                    && (lastArchivedTime.isEmpty() || lastFailedTime.get().isAfter(lastArchivedTime.get()));
        }

        /** archive_mode is on but neither a command nor a library is set: the archiver waits, nothing is archived. */
        boolean unset() {
            return archiveLibrary.isEmpty() && hasCommand.equals(Optional.of(false));
        }

        /** Nothing has been archived since then: the last success, else since the counters started. */
        Instant nothingSince() {
            return lastArchivedTime.orElse(countedSince);
        }

        String archiver() {
            return archiveLibrary.map(l -> "archive_library " + l)
                    .orElse(hasCommand.map(c -> c ? "archive_command" : "none set (archive_command is empty)")
                            .orElse("archive_command (not visible to this role)"));
        }
    }

    private record Backlog(long ready, Optional<Instant> oldestReady) {
    }

    private Archiver previous;
    /** The earliest failure seen while the last success stayed {@link #previous}'s: an upper bound of the first. */
    private Instant firstFailureSeen;

    public ArchiverDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected boolean aboutTheServer() {
        return true;
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        Archiver now = tx.one(ARCHIVER, Map.of());
        Archiver before = previous;
        previous = now;
        Detection.Builder out = Detection.builder();
        if (!now.archiving()) {
            firstFailureSeen = null;
            return out.signal(FAILING, 0).build();
        }
        boolean comparable = before != null && before.countedSince.equals(now.countedSince)
                && now.failedCount >= before.failedCount;
        long failedInWindow = comparable ? now.failedCount - before.failedCount : -1;
        if (failedInWindow >= 0) {
            out.signal(FAILED, failedInWindow);
        }
        Optional<Backlog> backlog = now.canList ? Optional.of(tx.one(STATUS, Map.of())) : Optional.empty();
        backlog.ifPresent(b -> out.signal(READY, b.ready)
                .signal(READY_AGE, b.oldestReady.map(t -> seconds(t, now.now)).orElse(0L)));
        boolean stuck = now.failing() || now.unset();
        out.signal(FAILING, stuck ? 1 : 0);
        if (!stuck) {
            firstFailureSeen = null;
            return out.build();
        }
        if (now.failing() && (firstFailureSeen == null || before == null
                || !before.lastArchivedTime.equals(now.lastArchivedTime))) {
            firstFailureSeen = now.lastFailedTime.orElseThrow();
        }
        out.finding(tx.aboutServer(finding(ctx, now, backlog, failedInWindow)));
        return out.build();
    }

    private Finding.Builder finding(DetectionContext ctx, Archiver a, Optional<Backlog> backlog, long failedInWindow) {
        Instant stuckSince = backlog.flatMap(Backlog::oldestReady).orElse(a.nothingSince());
        long stuckSeconds = seconds(stuckSince, a.now);
        boolean critical = stuckSeconds >= ctx.setting(CRITICAL_AFTER).toSeconds()
                || backlog.map(b -> b.ready >= ctx.setting(CRITICAL_READY)).orElse(false);
        String waiting = backlog.map(b -> String.format("%,d segments (%s) wait in pg_wal", b.ready,
                StatsSupport.mb((double) b.ready * a.segmentBytes))).orElse("the backlog in pg_wal was not counted");
        Finding.Builder f = ctx.finding(Problem.STORAGE_BLOAT, critical ? Severity.CRITICAL : Severity.WARNING, "wal archiver")
                .summary(a.failing() ? String.format("WAL archiving is failing: nothing archived for %s (%s), the last "
                                + "attempt failed on %s; %s and stay there until archived, until the disk fills",
                        Words.duration(Duration.ofSeconds(stuckSeconds)),
                        a.lastArchivedWal.map(w -> "last success " + w).orElse("none since the statistics started"),
                        a.lastFailedWal.orElse("?"), waiting)
                        : String.format("WAL archiving is on (archive_mode = %s) but neither archive_command nor "
                                + "archive_library is set: nothing archived for %s; %s and stay there until the disk fills",
                        a.archiveMode, Words.duration(Duration.ofSeconds(stuckSeconds)), waiting))
                .evidence("archive_mode", a.archiveMode).evidence("wal_level", a.walLevel)
                .evidence("archiver", a.archiver())
                .evidence("last_archived_wal", a.lastArchivedWal.orElse("none"))
                .evidence("last_archived_time", a.lastArchivedTime.map(Instant::toString).orElse("none"))
                .evidence("last_failed_wal", a.lastFailedWal.orElse("?"))
                .evidence("last_failed_time", a.lastFailedTime.map(Instant::toString).orElse("?"))
                .evidence("failing_since", a.nothingSince().toString())
                .evidence("first_failure_seen", firstFailureSeen == null ? "none" : firstFailureSeen.toString())
                .evidence("failed_count", a.failedCount);
        if (failedInWindow >= 0) {
            f.evidence("failed_since_last_run", failedInWindow);
        }
        if (backlog.isPresent()) {
            Backlog b = backlog.get();
            f.evidence("ready_files", b.ready).evidence("ready_bytes", b.ready * a.segmentBytes)
                    .evidence("oldest_ready_age_s", b.oldestReady.map(t -> seconds(t, a.now)).orElse(0L))
                    .evidence("coverage", "pg_stat_archiver and pg_wal/archive_status (pg_ls_archive_statusdir(), counted on the server)");
        } else {
            f.evidence("coverage", "pg_stat_archiver only: this role may not call pg_ls_archive_statusdir(), so the "
                    + ".ready backlog was not counted; grant pg_monitor to the monitoring role to see it");
        }
        String fix = a.failing() ? "read the server log for the error of " + a.archiver() + " and fix its cause (the "
                + "destination full, unreachable or refusing the credentials, a missing directory, a tool not installed); "
                + "the archiver retries on its own and catches up once it succeeds"
                : "set the archive_command (or archive_library) your backups expect and reload (select pg_reload_conf()); "
                + "the archiver then archives the waiting segments, oldest first";
        return f.hint(fix + ". Meanwhile watch the disk of pg_wal. Never delete files from pg_wal or "
                        + "pg_wal/archive_status by hand: those segments are not archived anywhere yet")
                .holdFor(ctx.setting(FOR));
    }

    private static long seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toSeconds());
    }
}
