package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;
import dev.telltale.postgres.internal.Words;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code postgres.sequences}: sequences of the connected database close to the end of their range, measured
 * against the type of the column they feed (an {@code int4} column overflows at 2^31-1 even when its
 * sequence is {@code bigint}). Rated by what is left: a sequence whose next {@code nextval} fails is
 * critical, and between runs the increase of {@code last_value} gives the recent rate, so the time left
 * raises the severity; the share used still counts while no rate is known. Sequences never called
 * ({@code last_value} null) are judged from what the sequence itself holds, its start value or the value a
 * restart or {@code setval(..., false)} set since (read for the smallest ranges, up to a cap); sequences the role
 * may not read are counted in a note, not judged as never called.
 */
public final class SequencesDetector extends PostgresDetector implements SequencesDetectorSpec {
    private static final SqlFile<Row> SEQUENCES = SqlFile.load(SequencesDetector.class, "sequences", Row.class);
    private static final SqlFile<Long> UNREADABLE = SqlFile.load(SequencesDetector.class, "sequences-unreadable", Long.class);

    /**
     * One sequence; {@code lastValue} is null when it was never called or restarted since, and {@code setValue} is
     * then what the sequence itself holds (null when it was not read: no SELECT, or past the reads' cap).
     */
    private record Row(long oid, String schema, String sequence, BigDecimal lastValue, BigDecimal nextValue,
                       BigDecimal usedValue, BigDecimal startValue, BigDecimal setValue, BigDecimal maxValue,
                       long incrementBy, boolean cycle, String columns, BigDecimal limitValue, String columnType,
                       long overWarning, long unprobed) {
        /** Never called since a restart or a setval(..., false) moved it away from its start value. */
        boolean restarted() {
            return lastValue == null && setValue != null && setValue.compareTo(startValue) != 0;
        }

        /** "never called, starts at 32700", "not called since it was set to 32700", or the last value. */
        String position() {
            return lastValue != null ? lastValue.toPlainString()
                    : restarted() ? "not called since it was set to " + nextValue.toPlainString()
                    : "never called, starts at " + nextValue.toPlainString();
        }

        /** nextval calls that still succeed: 0 once the next value is past the limit. */
        BigDecimal callsLeft() {
            BigDecimal left = limitValue.subtract(nextValue);
            return left.signum() < 0 ? BigDecimal.ZERO
                    : left.divideToIntegralValue(BigDecimal.valueOf(incrementBy)).add(BigDecimal.ONE);
        }

        /** The next nextval fails: no value left and no cycling back (a column's type does not cycle). */
        boolean exhausted() {
            return callsLeft().signum() == 0 && !(cycle && limitValue.compareTo(maxValue) == 0);
        }
    }

    private record Seen(BigDecimal lastValue, Instant at) {
    }

    private Map<Long, Seen> previous = Map.of();

    public SequencesDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        double warn = ctx.setting(WARNING);
        double crit = ctx.setting(CRITICAL);
        double timeWarn = ctx.setting(TIME_LEFT_WARNING).toSeconds();
        double timeCrit = ctx.setting(TIME_LEFT_CRITICAL).toSeconds();
        Detection.Builder out = Detection.builder();
        List<Double> used = new ArrayList<>();
        long cap = ctx.setting(LIMIT);
        long reads = ctx.setting(NEVER_CALLED_READS);
        List<Row> rows = tx.list(SEQUENCES, Map.of("limit", cap, "warning", warn, "probes", reads));
        Instant now = ctx.now();
        Map<Long, Seen> seen = new HashMap<>();
        int shown = 0;
        for (Row s : rows) {
            BigDecimal limit = s.limitValue();
            if (limit.signum() <= 0) {
                continue;
            }
            double ratio = s.usedValue().doubleValue() / limit.doubleValue();
            used.add(ratio);
            // a never-called sequence counts as one step before its start, so its first call is one call
            BigDecimal called = s.usedValue();
            seen.put(s.oid(), new Seen(called, now));
            double callsPerSecond = rate(previous.get(s.oid()), called, now) / s.incrementBy();
            BigDecimal callsLeft = s.callsLeft();
            double secondsLeft = callsPerSecond > 0 ? callsLeft.doubleValue() / callsPerSecond : Double.POSITIVE_INFINITY;
            Severity severity = s.exhausted() || ratio >= crit || secondsLeft <= timeCrit ? Severity.CRITICAL
                    : ratio >= warn || secondsLeft <= timeWarn ? Severity.WARNING : null;
            if (severity == null) {
                continue;
            }
            shown++;
            String name = s.schema() + "." + s.sequence();
            String columns = s.columns();
            String state = s.exhausted()
                    ? String.format("the next nextval fails: %s is at %s, its limit, and does not cycle", name,
                    s.lastValue() == null ? (s.restarted() ? "the value it was set to, " : "its start value ")
                            + s.nextValue().toPlainString() : s.lastValue().toPlainString())
                    : String.format("sequence %s has %s calls left (%.1f %% of its range used, %s of %s%s)%s", name,
                    callsLeft.toPlainString(), ratio * 100, s.position(), limit.toPlainString(),
                    s.cycle() && limit.compareTo(s.maxValue()) == 0 ? ", then it cycles" : "",
                    callsPerSecond > 0 ? String.format("; at the recent rate (%.1f calls/s) it runs out in %s", callsPerSecond,
                            Words.seconds(secondsLeft)) : "");
            out.finding(ctx.finding(Problem.SILENT_DATA_CORRUPTION, severity, name)
                    .summary(state + (columns.isEmpty() ? "" : "; it feeds " + columns + " (" + s.columnType() + ")"))
                    .evidence("last_value", s.lastValue() == null ? null : s.lastValue().toPlainString())
                    .evidence("called", s.lastValue() != null)
                    .evidence("restarted", s.restarted())
                    .evidence("next_value", s.nextValue().toPlainString())
                    .evidence("limit", limit.toPlainString())
                    .evidence("calls_left", callsLeft.toPlainString())
                    .evidence("exhausted", s.exhausted())
                    .evidence("calls_per_second", callsPerSecond > 0 ? Words.round3(callsPerSecond) : null)
                    .evidence("seconds_left", Double.isInfinite(secondsLeft) ? null : Math.round(secondsLeft))
                    .evidence("used_ratio", StatementsDetector.round(ratio)).evidence("columns", columns)
                    .evidence("column_type", s.columnType()).evidence("cycle", s.cycle())
                    .hint("widen the column before inserts fail: alter table ... alter column ... type bigint (rewrites "
                            + "the table) or a new bigint column filled in batches"
                            + (limit.compareTo(s.maxValue()) == 0 ? "; raise the sequence's own maximum with alter sequence "
                            + name + " as bigint maxvalue ..." : "")));
        }
        previous = seen;
        long overWarning = rows.isEmpty() ? 0 : rows.get(0).overWarning();
        Notes.truncated(out, ID, LIMIT, cap, shown, Math.max(0, overWarning - shown), "sequences near the end of their range");
        long unprobed = rows.isEmpty() ? 0 : rows.get(0).unprobed();
        if (unprobed > 0) {
            out.note(String.format("%,d never-called sequences were judged from their start value alone, so a restart or a "
                    + "setval(..., false) since would not show: %s caps the sequences read (the smallest range left first), "
                    + "and reading one needs SELECT on it", unprobed, Notes.setting(ID, NEVER_CALLED_READS, reads)));
        }
        long unreadable = tx.one(UNREADABLE, Map.of());
        if (unreadable > 0) {
            out.note(String.format("%s not judged: the role may not read %s (grant SELECT on %s, or pg_read_all_data from "
                    + "PostgreSQL 14 on)", unreadable == 1 ? "1 sequence was" : String.format("%,d sequences were", unreadable),
                    unreadable == 1 ? "it" : "them", unreadable == 1 ? "it" : "them"));
        }
        StatsSupport.ranked(out, TOP_USED, used.stream().sorted((a, b) -> Double.compare(b, a)).toList(), ctx.setting(TOP));
        return out.build();
    }

    /** Values per second since the last run, 0 when unknown (first sight, a reset or a setval backwards). */
    private static double rate(Seen before, BigDecimal last, Instant now) {
        if (before == null || last.compareTo(before.lastValue()) < 0) {
            return 0;
        }
        double seconds = Duration.between(before.at(), now).toMillis() / 1000.0;
        return seconds <= 0 ? 0 : last.subtract(before.lastValue()).doubleValue() / seconds;
    }
}
