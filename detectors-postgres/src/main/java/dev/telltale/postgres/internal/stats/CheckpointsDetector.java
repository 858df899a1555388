package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * {@code postgres.checkpoints}: checkpoints forced by WAL volume (requested) rather than by time, between
 * two runs: writes outpace max_wal_size, and every forced checkpoint adds full-page images to the WAL.
 * Reads pg_stat_bgwriter before 17 and pg_stat_checkpointer from 17.
 */
public final class CheckpointsDetector extends PostgresDetector {
    public static final String ID = "postgres.checkpoints";

    public static final Setting<Double> WARNING = Setting.ratio("warning", 0.5,
            "Share of requested checkpoints in the window above which a warning is raised (mixin: timed < 50 %).");
    public static final Setting<Long> MIN_CHECKPOINTS = Setting.count("min-checkpoints", 3,
            "Checkpoints in the window needed before the share is judged.");

    public static final SignalSpec COUNT = SignalSpec.of("postgres.checkpoints.window", "checkpoints",
            "checkpoints between the last two runs, by kind (timed, requested)", "kind");
    public static final SignalSpec BUFFERS = SignalSpec.of("postgres.checkpoints.buffers", "buffers",
            "buffers written by checkpoints between the last two runs");

    public static final DetectorSpec SPEC = DetectorSpec.builder(ID)
            .summary("Checkpoints forced by WAL volume rather than by time between two runs.")
            .problems(Problem.WRITE_AMPLIFICATION)
            .interval(Duration.ofMinutes(5))
            .settings(WARNING, MIN_CHECKPOINTS)
            .signals(COUNT, BUFFERS)
            .build();

    private static final SqlFile<Counters> CHECKPOINTS = SqlFile.load(CheckpointsDetector.class, "checkpoints", Counters.class);

    private record Counters(long timed, long requested, long buffers, Optional<OffsetDateTime> reset, String maxWal,
                            String timeout) {
    }

    private Counters previous;

    public CheckpointsDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        double warn = ctx.setting(WARNING);
        Counters now = tx.one(CHECKPOINTS, java.util.Map.of());
        Counters before = previous;
        previous = now;
        if (before == null || !before.reset.equals(now.reset) || now.timed < before.timed || now.requested < before.requested) {
            return Detection.nothing();
        }
        long timed = now.timed - before.timed;
        long requested = now.requested - before.requested;
        Detection.Builder out = Detection.builder().signal(COUNT, timed, "timed").signal(COUNT, requested, "requested")
                .signal(BUFFERS, Math.max(0, now.buffers - before.buffers));
        long total = timed + requested;
        if (total >= ctx.setting(MIN_CHECKPOINTS) && (double) requested / total > warn) {
            out.finding(ctx.finding(Problem.WRITE_AMPLIFICATION, Severity.WARNING, "requested checkpoints")
                    .summary(String.format("%d of %d checkpoints since the last run were forced by WAL volume, not by "
                            + "checkpoint_timeout (%s): max_wal_size (%s) is too small for the write rate", requested, total,
                            now.timeout, now.maxWal))
                    .evidence("requested", requested).evidence("timed", timed)
                    .evidence("max_wal_size", now.maxWal).evidence("checkpoint_timeout", now.timeout)
                    .hint("raise max_wal_size, or find the bulk writes (postgres.hot-tables); each forced checkpoint "
                            + "writes full-page images for the next changes"));
        }
        return out.build();
    }
}
