package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.ReadOnlyTx;

/**
 * {@code postgres.temp-spills}: temp-file bytes written by the watched database between two runs (sorts and
 * hashes larger than work_mem). Per-statement attribution is in {@code postgres.statements}.
 */
public final class TempSpillsDetector extends DatabaseDeltaDetector implements TempSpillsDetectorSpec {
    public TempSpillsDetector(PostgresTarget target) {
        super(target, SPEC, DATABASE);
    }

    @Override
    protected Detection judgeWindow(DetectionContext ctx, ReadOnlyTx tx, DatabaseCounters before, DatabaseCounters now,
                                    String db) {
        long bytes = now.tempBytes() - before.tempBytes();
        long files = Math.max(0, now.tempFiles() - before.tempFiles());
        Detection.Builder out = Detection.builder().signal(BYTES, bytes).signal(FILES, files);
        long warn = ctx.setting(WARNING);
        if (bytes >= warn && warn > 0) {
            out.finding(ctx.finding(Problem.SLOW_QUERIES, bytes >= ctx.setting(CRITICAL) ? Severity.CRITICAL : Severity.WARNING,
                            "database " + db + " (temp files)")
                    .summary(String.format("%s spilled %s to %d temp files since the last run", db, StatsSupport.mb(bytes), files))
                    .evidence("temp_bytes", bytes).evidence("temp_files", files)
                    .hint("find the statements in postgres.statements (temp spills); add indexes for big sorts or raise "
                            + "work_mem for the role that runs them"));
        }
        return out.build();
    }
}
