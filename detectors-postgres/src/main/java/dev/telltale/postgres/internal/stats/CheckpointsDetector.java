package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * {@code postgres.checkpoints}: checkpoints forced by WAL volume rather than by time, between two runs:
 * writes outpace max_wal_size, and every forced checkpoint adds full-page images to the WAL. The server's
 * counters do not tell a WAL-forced checkpoint from an explicit CHECKPOINT (both are "requested", in
 * pg_stat_bgwriter before 17 and in pg_stat_checkpointer from 17), so the WAL written between the runs
 * decides: WAL volume forces a checkpoint each time max_wal_size / (1 + checkpoint_completion_target)
 * bytes are written, which bounds how many of the requested ones it can have forced. The rest were
 * requested (CHECKPOINT, CREATE DATABASE, a base backup) and say nothing about max_wal_size.
 */
public final class CheckpointsDetector extends PostgresDetector implements CheckpointsDetectorSpec {
    private static final SqlFile<Counters> CHECKPOINTS = SqlFile.load(CheckpointsDetector.class, "checkpoints", Counters.class);

    private record Counters(long timed, long requested, long buffers, Optional<OffsetDateTime> reset, String maxWal,
                            String timeout, long maxWalBytes, double completionTarget, long walBytes) {
        /** WAL written between two checkpoints that WAL volume forces (the checkpointer's own trigger). */
        double walTrigger() {
            return maxWalBytes / (1 + completionTarget);
        }
    }

    private Counters previous;

    public CheckpointsDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected boolean aboutTheServer() {
        return true;
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        double warn = ctx.setting(WARNING);
        Counters now = tx.sharedOne(CHECKPOINTS, java.util.Map.of(), this, ctx.settings().interval());
        Counters before = previous;
        previous = now;
        if (before == null || !before.reset.equals(now.reset) || now.timed < before.timed || now.requested < before.requested
                || now.walBytes < before.walBytes) {
            return Detection.nothing();
        }
        long timed = now.timed - before.timed;
        long requested = now.requested - before.requested;
        long wal = now.walBytes - before.walBytes;
        // WAL left over since the last checkpoint before the window can complete one more: round up
        long walCanForce = Math.min(requested, (long) Math.ceil(wal / Math.max(1.0, now.walTrigger())));
        Detection.Builder out = Detection.builder().signal(COUNT, timed, "timed").signal(COUNT, requested, "requested")
                .signal(COUNT, walCanForce, "wal")
                .signal(BUFFERS, Math.max(0, now.buffers - before.buffers)).signal(WAL, wal);
        long total = timed + requested;
        if (total >= ctx.setting(MIN_CHECKPOINTS) && (double) walCanForce / total > warn) {
            out.finding(tx.aboutServer(ctx.finding(Problem.WRITE_AMPLIFICATION, Severity.WARNING, "requested checkpoints")
                    .summary(String.format("%d of %d checkpoints since the last run were forced by WAL volume (%s "
                                    + "written; %d requested in all), not by checkpoint_timeout (%s): max_wal_size (%s) "
                                    + "is too small for the write rate", walCanForce, total, mb(wal), requested,
                            now.timeout, now.maxWal))
                    .evidence("requested", requested).evidence("timed", timed)
                    .evidence("wal_forced_at_most", walCanForce).evidence("wal_bytes", wal)
                    .evidence("max_wal_size", now.maxWal).evidence("checkpoint_timeout", now.timeout)
                    .evidence("measured", "the server counts WAL-forced and explicit checkpoints together as requested; "
                            + "the WAL written between the runs bounds the WAL-forced ones")
                    .hint("raise max_wal_size, or find the bulk writes (postgres.hot-tables); each forced checkpoint "
                            + "writes full-page images for the next changes")));
        }
        return out.build();
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / (1024.0 * 1024));
    }
}
