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
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code postgres.sequences}: sequences of the connected database close to the end of their range, measured
 * against the type of the column they feed (an {@code int4} column overflows at 2^31-1 even when its
 * sequence is {@code bigint}).
 */
public final class SequencesDetector extends PostgresDetector {
    public static final String ID = "postgres.sequences";

    public static final Setting<Double> WARNING = Setting.ratio("warning", 0.85,
            "Share of the range used for a warning (check_postgres: 85 %).");
    public static final Setting<Double> CRITICAL = Setting.ratio("critical", 0.95,
            "Share of the range used for a critical finding.");
    public static final Setting<Long> LIMIT = Setting.count("limit", 100,
            "Most sequences examined per run (the fullest first).")
            .atLeast(1L);
    public static final Setting<Long> TOP = Setting.count("top", 5, "How many sequences the ranked gauge publishes.");

    public static final SignalSpec TOP_USED = SignalSpec.of("postgres.sequences.used.top", "ratio",
            "share of its range used by the fullest sequences, by rank", "rank");

    public static final DetectorSpec SPEC = DetectorSpec.builder(ID)
            .summary("Sequences close to the end of their range, measured against the type of the column they "
                    + "feed.")
            .problems(Problem.SILENT_DATA_CORRUPTION)
            .interval(Duration.ofHours(1))
            .settings(WARNING, CRITICAL, LIMIT, TOP)
            .rule(SettingRule.notAbove(WARNING, CRITICAL))
            .signals(TOP_USED)
            .build();

    private static final SqlFile<Row> SEQUENCES = SqlFile.load(SequencesDetector.class, "sequences", Row.class);

    private record Row(String schema, String sequence, BigDecimal lastValue, long incrementBy, boolean cycle, String columns,
                       BigDecimal limitValue, String columnType, long overWarning) {
    }

    public SequencesDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        double warn = ctx.setting(WARNING);
        double crit = ctx.setting(CRITICAL);
        Detection.Builder out = Detection.builder();
        List<Double> used = new ArrayList<>();
        long cap = ctx.setting(LIMIT);
        List<Row> rows = tx.list(SEQUENCES, Map.of("limit", cap, "warning", warn));
        int shown = 0;
        for (Row s : rows) {
            BigDecimal last = s.lastValue();
            BigDecimal limit = s.limitValue();
            if (limit.signum() <= 0) {
                continue;
            }
            double ratio = last.doubleValue() / limit.doubleValue();
            used.add(ratio);
            if (ratio < warn) {
                continue;
            }
            shown++;
            String name = s.schema() + "." + s.sequence();
            String columns = s.columns();
            out.finding(ctx.finding(Problem.SILENT_DATA_CORRUPTION, ratio >= crit ? Severity.CRITICAL : Severity.WARNING, name)
                    .summary(String.format("sequence %s has used %.1f %% of its range (%s of %s)%s", name, ratio * 100,
                            last.toPlainString(), limit.toPlainString(),
                            columns.isEmpty() ? "" : "; it feeds " + columns + " (" + s.columnType() + ")"))
                    .evidence("last_value", last.toPlainString()).evidence("limit", limit.toPlainString())
                    .evidence("used_ratio", StatementsDetector.round(ratio)).evidence("columns", columns)
                    .evidence("column_type", s.columnType()).evidence("cycle", s.cycle())
                    .hint("widen the column before inserts fail: alter table ... alter column ... type bigint (rewrites "
                            + "the table) or a new bigint column filled in batches"));
        }
        long overWarning = rows.isEmpty() ? 0 : rows.get(0).overWarning();
        Notes.truncated(out, ID, LIMIT, cap, shown, overWarning - shown, "sequences near the end of their range");
        StatsSupport.ranked(out, TOP_USED, used.stream().sorted((a, b) -> Double.compare(b, a)).toList(), ctx.setting(TOP));
        return out.build();
    }
}
