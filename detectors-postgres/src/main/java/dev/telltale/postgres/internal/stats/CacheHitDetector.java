package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.SettingRule;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.time.Duration;

/**
 * {@code postgres.cache-hit}: share of block reads served from shared buffers between two runs (a delta, not
 * the ratio since the last reset, which hides today's drop behind months of history).
 */
public final class CacheHitDetector extends PostgresDetector {
    public static final String ID = "postgres.cache-hit";

    public static final Setting<String> DATABASE = Setting.text("database", "current",
            "Database watched: 'current' (the target's own), 'all', or a database name.");
    public static final Setting<Double> WARNING = Setting.ratio("warning", 0.98,
            "Hit ratio below which a warning is raised (postgres_exporter mixin: 0.98).");
    public static final Setting<Double> CRITICAL = Setting.ratio("critical", 0.90,
            "Hit ratio below which it is critical.");
    public static final Setting<Long> MIN_BLOCKS = Setting.count("min-blocks", 10_000,
            "Blocks accessed in the window below which the ratio means nothing and is not judged.");
    public static final Setting<Duration> FOR = Setting.duration("for", Duration.ofMinutes(5),
            "How long the ratio must stay low.");

    public static final SignalSpec RATIO = SignalSpec.of("postgres.cache.hit.ratio", "ratio",
            "blocks found in shared buffers over blocks accessed, between the last two runs");
    public static final SignalSpec READS = SignalSpec.of("postgres.cache.reads", "blocks",
            "blocks read from the OS or disk between the last two runs");

    public static final DetectorSpec SPEC = DetectorSpec.builder(ID)
            .summary("The share of block reads served from shared buffers between two runs.")
            .problems(Problem.SLOW_QUERIES)
            .interval(Duration.ofMinutes(1))
            .settings(DATABASE, WARNING, CRITICAL, MIN_BLOCKS, FOR)
            .rule(SettingRule.notAbove(CRITICAL, WARNING))
            .signals(RATIO, READS)
            .build();

    private DatabaseCounters previous;

    public CacheHitDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        double warn = ctx.setting(WARNING);
        double crit = ctx.setting(CRITICAL);
        DatabaseCounters now = DatabaseCounters.read(tx, StatsSupport.watchedDatabase(ID, DATABASE, ctx, tx));
        DatabaseCounters before = previous;
        previous = now;
        if (before == null || !before.comparableTo(now)) {
            return Detection.nothing();
        }
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
            String db = ctx.setting(DATABASE).equalsIgnoreCase("current") ? tx.server().database() : ctx.setting(DATABASE);
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
