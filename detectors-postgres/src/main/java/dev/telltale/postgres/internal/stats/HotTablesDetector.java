package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code postgres.hot-tables}: per-table activity of the connected database between two runs. Publishes the
 * top write and read shares (ranked gauges, never one series per table) and reports large tables read mostly
 * by sequential scans, heavily updated tables whose updates are rarely HOT (each one rewrites every index),
 * and skew across the partitions of one partitioned table.
 */
public final class HotTablesDetector extends PostgresDetector implements HotTablesDetectorSpec {
    private static final SqlFile<Row> ACTIVITY = SqlFile.load(HotTablesDetector.class, "table-activity", Row.class);

    private record Row(long relid, String schema, String table, long seqTupRead, long idxTupFetch, long writes,
                       long updates, long hotUpdates, long bytes, String parent, long siblings) {
        Counters counters() {
            return new Counters(schema + "." + table, seqTupRead, idxTupFetch, writes, updates, hotUpdates, bytes,
                    parent, siblings);
        }
    }
    private static final int ROW_CAP = 100_000;

    record Counters(String name, long seqRows, long idxRows, long writes, long updates, long hotUpdates, long bytes,
                    String parent, long siblings) {
    }

    record Delta(Counters now, long seqRows, long idxRows, long writes, long updates, long hotUpdates) {
        long activity() {
            return seqRows + idxRows + writes;
        }
    }

    private Map<Long, Counters> previous;

    public HotTablesDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        Map<Long, Counters> now = new HashMap<>();
        tx.statisticsSnapshot();
        tx.withRowCap(ROW_CAP).list(ACTIVITY, Map.of("cap", ROW_CAP)).forEach(r -> now.put(r.relid(), r.counters()));
        Map<Long, Counters> before = previous;
        previous = now;
        if (before == null) {
            return Detection.nothing();
        }
        List<Delta> deltas = new ArrayList<>();
        for (Map.Entry<Long, Counters> e : now.entrySet()) {
            Counters is = e.getValue();
            // absent last time: created since, or never touched (left out by the query); either way from zero
            Counters was = before.getOrDefault(e.getKey(), new Counters(is.name, 0, 0, 0, 0, 0, 0, is.parent, is.siblings));
            if (is.seqRows < was.seqRows || is.writes < was.writes || is.idxRows < was.idxRows) {
                continue; // its counters were reset: it starts again next run
            }
            Delta d = new Delta(is, is.seqRows - was.seqRows, is.idxRows - was.idxRows, is.writes - was.writes,
                    Math.max(0, is.updates - was.updates), Math.max(0, is.hotUpdates - was.hotUpdates));
            if (d.activity() > 0) {
                deltas.add(d);
            }
        }
        Detection.Builder out = Detection.builder();
        long top = ctx.setting(TOP);
        long writes = deltas.stream().mapToLong(Delta::writes).sum();
        long reads = deltas.stream().mapToLong(d -> d.seqRows + d.idxRows).sum();
        out.signal(WRITES, writes);
        StatsSupport.ranked(out, WRITE_SHARE, deltas.stream().map(d -> writes == 0 ? 0.0 : (double) d.writes / writes)
                .sorted(Comparator.reverseOrder()).toList(), top);
        StatsSupport.ranked(out, READ_SHARE, deltas.stream().map(d -> reads == 0 ? 0.0 : (double) (d.seqRows + d.idxRows) / reads)
                .sorted(Comparator.reverseOrder()).toList(), top);
        StatsSupport.ranked(out, SEQ_ROWS_TOP, deltas.stream().map(d -> (double) d.seqRows)
                .sorted(Comparator.reverseOrder()).toList(), top);

        long minSize = ctx.setting(SEQ_MIN_SIZE);
        long seqRows = ctx.setting(SEQ_ROWS);
        double seqShare = ctx.setting(SEQ_SHARE);
        long hotMin = ctx.setting(HOT_MIN_UPDATES);
        double hotRatio = ctx.setting(HOT_RATIO);
        for (Delta d : deltas) {
            double share = (double) d.seqRows / Math.max(1, d.seqRows + d.idxRows);
            if (d.now.bytes >= minSize && d.seqRows >= seqRows && share >= seqShare) {
                out.finding(ctx.finding(Problem.SLOW_QUERIES, Severity.WARNING, d.now.name + " (sequential scans)")
                        .summary(String.format("%s (%s) had %,d rows read by sequential scans since the last run, %.0f %% of "
                                + "its reads", d.now.name, StatsSupport.mb(d.now.bytes), d.seqRows, share * 100))
                        .evidence("seq_rows", d.seqRows).evidence("index_rows", d.idxRows)
                        .evidence("seq_share", StatementsDetector.round(share)).evidence("table_bytes", d.now.bytes)
                        .hint("find the statements that scan it (postgres.statements, EXPLAIN) and index their filter columns"));
            }
            if (d.updates >= hotMin) {
                double hot = (double) d.hotUpdates / d.updates;
                if (hot < hotRatio) {
                    out.finding(ctx.finding(Problem.WRITE_AMPLIFICATION, Severity.INFO, d.now.name + " (non-HOT updates)")
                            .summary(String.format("only %.0f %% of the %,d updates of %s were HOT: the others wrote a new "
                                    + "entry into every index", hot * 100, d.updates, d.now.name))
                            .evidence("updates", d.updates).evidence("hot_updates", d.hotUpdates)
                            .evidence("hot_ratio", StatementsDetector.round(hot))
                            .hint("updates of indexed columns are never HOT; drop indexes on often-updated columns, or "
                                    + "lower the table's fillfactor so new versions fit on the same page"));
                }
            }
        }
        partitions(ctx, out, deltas);
        return out.build();
    }

    private void partitions(DetectionContext ctx, Detection.Builder out, List<Delta> deltas) {
        long minPartitions = ctx.setting(PARTITIONS_MIN);
        double factor = ctx.setting(PARTITIONS_FACTOR);
        double minShare = ctx.setting(PARTITIONS_SHARE);
        long minRows = ctx.setting(PARTITIONS_MIN_ROWS);
        Map<String, Long> partitionsPerParent = new HashMap<>();
        for (Counters c : previous.values()) {
            if (!c.parent.isEmpty()) {
                partitionsPerParent.put(c.parent, c.siblings);
            }
        }
        Map<String, List<Delta>> byParent = new HashMap<>();
        for (Delta d : deltas) {
            if (!d.now.parent.isEmpty()) {
                byParent.computeIfAbsent(d.now.parent, k -> new ArrayList<>()).add(d);
            }
        }
        double maxSkew = 0;
        for (Map.Entry<String, List<Delta>> e : byParent.entrySet()) {
            long n = partitionsPerParent.getOrDefault(e.getKey(), 0L);
            long total = e.getValue().stream().mapToLong(Delta::activity).sum();
            if (n < 2 || total == 0) {
                continue;
            }
            Delta hottest = e.getValue().stream().max(Comparator.comparingLong(Delta::activity)).orElseThrow();
            double mean = (double) total / n;
            double skew = hottest.activity() / mean;
            double share = (double) hottest.activity() / total;
            maxSkew = Math.max(maxSkew, skew);
            if (n >= minPartitions && total >= minRows && skew > factor && share >= minShare) {
                out.finding(ctx.finding(Problem.HOT_PARTITION, Severity.WARNING, e.getKey() + " (partitions)")
                        .summary(String.format("partition %s took %.0f %% of the activity of %s (%.1f x the mean of its %d "
                                + "partitions) since the last run", hottest.now.name, share * 100, e.getKey(), skew, n))
                        .evidence("hottest_partition", hottest.now.name).evidence("share", StatementsDetector.round(share))
                        .evidence("times_mean", StatementsDetector.round(skew)).evidence("partitions", n)
                        .evidence("rows_in_window", total)
                        .hint("the partition key concentrates traffic: look for a celebrity key or a time-based key "
                                + "where all writes hit the newest partition; spread with a hash component"));
            }
        }
        out.signal(SKEW, maxSkew);
    }
}
