package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.ReadOnlyTx;

/**
 * {@code postgres.cache-hit}: share of block reads served from shared buffers between two runs (a delta, not
 * the ratio since the last reset, which hides today's drop behind months of history).
 */
public final class CacheHitDetector extends DatabaseDeltaDetector implements CacheHitDetectorSpec {
    public CacheHitDetector(PostgresTarget target) {
        super(target, SPEC, DATABASE);
    }

    @Override
    protected Detection judgeWindow(DetectionContext ctx, ReadOnlyTx tx, DatabaseCounters before, DatabaseCounters now,
                                    String db) {
        double warn = ctx.setting(WARNING);
        double crit = ctx.setting(CRITICAL);
        long hit = now.blksHit() - before.blksHit();
        long read = now.blksRead() - before.blksRead();
        long total = hit + read;
        Detection.Builder out = Detection.builder().signal(READS, read);
        if (total == 0) {
            return out.signal(RATIO, 1).build();
        }
        double ratio = (double) hit / total;
        out.signal(RATIO, ratio);
        if (total >= ctx.setting(MIN_BLOCKS) && ratio < warn) {
            out.finding(ctx.finding(Problem.SLOW_QUERIES, ratio < crit ? Severity.CRITICAL : Severity.WARNING, "database " + db + " (cache hit ratio)")
                    .summary(String.format("only %.1f %% of block reads in %s were served from shared buffers (%d of %d)",
                            ratio * 100, db, hit, total))
                    .evidence("hit_ratio", StatementsDetector.round(ratio)).evidence("blocks_hit", hit)
                    .evidence("blocks_read", read)
                    .hint("the working set outgrew shared_buffers, or a new query scans large tables: see "
                            + StatementsDetector.ID + " and postgres.hot-tables")
                    .holdFor(ctx.setting(FOR)));
        }
        return out.build();
    }
}
