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
 * {@code postgres.temp-spills}: temp-file bytes written by the watched database between two runs (sorts and
 * hashes larger than work_mem). Per-statement attribution is in {@code postgres.statements}.
 */
public final class TempSpillsDetector extends PostgresDetector {
    public static final String ID = "postgres.temp-spills";

    public static final Setting<String> DATABASE = Setting.text("database", "current",
            "Database watched: 'current' (the target's own), 'all', or a database name.");
    public static final Setting<Long> WARNING = Setting.bytes("warning", 100L * 1024 * 1024,
            "Temp bytes written in the window for a warning.");
    public static final Setting<Long> CRITICAL = Setting.bytes("critical", 1024L * 1024 * 1024,
            "Temp bytes written in the window for a critical finding.");

    public static final SignalSpec BYTES = SignalSpec.of("postgres.temp.spilled", "bytes",
            "temp-file bytes written between the last two runs");
    public static final SignalSpec FILES = SignalSpec.of("postgres.temp.files", "files",
            "temp files created between the last two runs");

    public static final DetectorSpec SPEC = DetectorSpec.builder(ID)
            .summary("Temp-file bytes written by the watched database between two runs.")
            .problems(Problem.SLOW_QUERIES)
            .interval(Duration.ofMinutes(1))
            .settings(DATABASE, WARNING, CRITICAL)
            .rule(SettingRule.notAbove(WARNING, CRITICAL))
            .signals(BYTES, FILES)
            .build();

    private DatabaseCounters previous;

    public TempSpillsDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        DatabaseCounters now = DatabaseCounters.read(tx, StatsSupport.watchedDatabase(ID, DATABASE, ctx, tx));
        DatabaseCounters before = previous;
        previous = now;
        if (before == null || !before.comparableTo(now)) {
            return Detection.nothing();
        }
        long bytes = now.tempBytes() - before.tempBytes();
        long files = Math.max(0, now.tempFiles() - before.tempFiles());
        Detection.Builder out = Detection.builder().signal(BYTES, bytes).signal(FILES, files);
        long warn = ctx.setting(WARNING);
        if (bytes >= warn && warn > 0) {
            String db = ctx.setting(DATABASE).equalsIgnoreCase("current") ? tx.server().database() : ctx.setting(DATABASE);
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
