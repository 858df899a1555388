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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code postgres.indexes}: unused indexes (judged only once the statistics are old enough), exact and
 * prefix-redundant duplicates, invalid indexes (not while a concurrent build runs), and tables with too many
 * indexes that are heavily written (every write updates each index); and how indexes are built
 * ({@link IndexDesign}): intersected pairs the redundant-index finding does not already settle, mostly-NULL leading
 * columns, boolean-only keys, B-trees on arrays, and bloat (estimated from pg_stats, measured with pgstatindex for
 * the largest few when pgstattuple is installed). Covers the connected database.
 *
 * <p>One detector rather than a second one beside it: the intersected pairs must leave out exactly the indexes the
 * redundant-index finding tells to drop, which one statement over one read of pg_index gets right by construction
 * (a second detector would repeat that logic or its query), and every index finding shares one list cap and one
 * {@code flagged} gauge.
 */
public final class IndexesDetector extends PostgresDetector implements IndexesDetectorSpec {
    private static final SqlFile<Candidate> CANDIDATES = SqlFile.load(IndexesDetector.class, "index-candidates", Candidate.class);
    private static final SqlFile<IndexCount> COUNTS = SqlFile.load(IndexesDetector.class, "index-counts", IndexCount.class);
    private static final SqlFile<Double> STATS_AGE = SqlFile.load(IndexesDetector.class, "stats-age", Double.class);
    private static final SqlFile<IndexDesign.Shape> SHAPES = SqlFile.load(IndexesDetector.class, "index-shapes",
            IndexDesign.Shape.class);
    private static final SqlFile<Measured> EXACT = SqlFile.load(IndexesDetector.class, "index-bloat-exact", Measured.class);

    private record Measured(long indexBytes, double wastedBytes, double leafDensity) {
    }

    private record IndexCount(String schema, String table, long oid, long indexes, long writes, long hotUpdates,
                              long tables) {
    }

    private Map<Long, Long> previousWrites = Map.of();

    public IndexesDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    private record Candidate(String kind, String schema, String table, String index, long scans, String coveredBy,
                             Optional<Long> size, String definition, long kindTotal, String detail, String otherDefinition,
                             long otherScans, String constraintName, boolean partitioned) {
        String qualified() {
            return schema + "." + index;
        }

        IndexDesign.Pair pair() {
            return new IndexDesign.Pair(schema, table, index, coveredBy, scans, otherScans, size.orElse(null), definition,
                    otherDefinition, detail, constraintName, partitioned);
        }
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        long limit = ctx.setting(LIMIT);
        if (ctx.baselinePass()) {
            // a one-shot report's first sample: only the row writes its reported run compares with
            previousWrites = new HashMap<>();
            tx.list(COUNTS, Map.of("max", ctx.setting(TOO_MANY), "limit", limit))
                    .forEach(t -> previousWrites.put(t.oid(), t.writes()));
            return Detection.nothing();
        }
        double statsAge = tx.one(STATS_AGE, Map.of());
        // before the planner settings below: the shapes join pg_stats for a few candidates, best as nested loops
        List<IndexDesign.Shape> shapes = tx.list(SHAPES, Map.of("limit", limit,
                "null_ratio", ctx.setting(NULLS_RATIO), "null_min_rows", (double) ctx.setting(NULLS_MIN_ROWS),
                "bloat_ratio", ctx.setting(BLOAT_RATIO), "bloat_min_bytes", (double) ctx.setting(BLOAT_MIN_WASTED)));
        Duration minAge = ctx.setting(UNUSED_MIN_STATS_AGE);
        long minSize = ctx.setting(UNUSED_MIN_SIZE);
        // the candidate query joins its own CTE to itself, which the planner estimates at a row or two: a nested loop
        // there is quadratic in the indexes (350 ms of CPU at 2,000 indexes, 15 ms as a hash join)
        tx.statisticsSnapshot(Map.of("enable_nestloop", "off"));
        List<Candidate> found = tx.list(CANDIDATES, Map.of("limit", limit, "min_size", (double) minSize));

        Detection.Builder out = Detection.builder();
        Map<String, Integer> counts = new HashMap<>(Map.of("unused", 0, "duplicate", 0, "invalid", 0, "intersected", 0,
                "mostly-null", 0, "boolean", 0, "array-btree", 0, "bloated", 0));
        long wasted = 0;
        List<Double> unusedSizes = new ArrayList<>();
        for (Candidate c : found) {
            long size = c.size.orElse(0L);
            switch (c.kind) {
                case "unused" -> {
                    if (statsAge < minAge.toSeconds() || c.size.isEmpty() || size < minSize) {
                        continue;
                    }
                    unusedSizes.add((double) size);
                    wasted += size;
                    out.finding(ctx.finding(Problem.UNUSED_INDEXES, Severity.WARNING, c.qualified())
                            .summary("index " + c.qualified() + " on " + c.schema + "." + c.table + " has not been scanned since "
                                    + "the statistics started " + StatsSupport.ago(statsAge) + " and takes " + StatsSupport.mb(size))
                            .evidence("table", c.schema + "." + c.table).evidence("idx_scan", c.scans)
                            .evidence("size_bytes", size).evidence("stats_age_seconds", Math.round(statsAge))
                            .evidence("definition", c.definition)
                            .hint("check replicas too (idx_scan is per server) before dropping it: "
                                    + IndexDesign.dropIndex(c.qualified(), c.partitioned)));
                }
                case "duplicate" -> {
                    wasted += size;
                    out.finding(ctx.finding(Problem.UNUSED_INDEXES, Severity.WARNING, c.qualified() + " (redundant)")
                            .summary("index " + c.qualified() + " is covered by " + c.schema + "." + c.coveredBy
                                    + " (same or leading columns)" + c.size.map(s -> " and takes " + StatsSupport.mb(s)).orElse(""))
                            .evidence("table", c.schema + "." + c.table).evidence("covered_by", c.schema + "." + c.coveredBy)
                            .evidence("idx_scan", c.scans).evidence("size_bytes", c.size.orElse(null))
                            .evidence("definition", c.definition)
                            .hint("queries can use " + c.coveredBy + " instead; " + IndexDesign.dropIndex(c.qualified(), c.partitioned)));
                }
                case "invalid" -> out.finding(ctx.finding(Problem.UNUSED_INDEXES, Severity.WARNING, c.qualified() + " (invalid)")
                        .summary("index " + c.qualified() + " is invalid (a failed CREATE INDEX CONCURRENTLY?): it is "
                                + "maintained on every write but never used for reads")
                        .evidence("table", c.schema + "." + c.table).evidence("size_bytes", c.size.orElse(null))
                        .evidence("definition", c.definition)
                        .hint(c.partitioned
                                ? "an index of a partitioned table stays invalid while a partition has no index attached to it: "
                                + "create that partition's index concurrently, then alter index " + c.qualified()
                                + " attach partition <that index>;"
                                : "drop it and build it again: reindex index concurrently " + c.qualified() + ";"));
                case "intersected" -> out.finding(IndexDesign.intersected(ctx, c.pair()));
                default -> {
                    continue;
                }
            }
            counts.merge(c.kind, 1, Integer::sum);
        }

        long bloat = shapes(ctx, tx, shapes, out, counts);

        long maxIndexes = ctx.setting(TOO_MANY);
        long minWrites = ctx.setting(TOO_MANY_WRITES);
        Map<Long, Long> writes = new HashMap<>();
        long mostIndexes = 0;
        List<IndexCount> crowded = tx.list(COUNTS, Map.of("max", maxIndexes, "limit", limit));
        long notExamined = crowded.isEmpty() ? 0 : crowded.get(0).tables() - crowded.size();
        if (notExamined > 0) {
            // their writes are not followed, so whether they are heavily written is not known either
            out.note(String.format("%,d tables with more than %d indexes examined and %,d more not: %s caps the list",
                    crowded.size(), maxIndexes, notExamined, Notes.setting(ID, LIMIT, limit)));
        }
        for (IndexCount t : crowded) {
            long oid = t.oid();
            long w = t.writes();
            writes.put(oid, w);
            Long before = previousWrites.get(oid);
            if (before == null || w < before) {
                continue;
            }
            long delta = w - before;
            if (delta < minWrites) {
                continue;
            }
            long n = t.indexes();
            mostIndexes = Math.max(mostIndexes, n);
            String table = t.schema() + "." + t.table();
            out.finding(ctx.finding(Problem.WRITE_AMPLIFICATION, Severity.WARNING, table)
                    .summary("table " + table + " has " + n + " indexes and took " + delta + " row writes since the last run: "
                            + "each write updates every index")
                    .evidence("indexes", n).evidence("writes_in_window", delta).evidence("max_indexes", maxIndexes)
                    .hint("drop unused and redundant indexes on " + table + " (see the other findings of " + ID + ")"));
        }
        previousWrites = writes;

        boolean statsOldEnough = statsAge >= minAge.toSeconds();
        Map<String, Long> totals = new HashMap<>();
        Map<String, Long> returned = new HashMap<>();
        for (Candidate c : found) {
            totals.put(c.kind, c.kindTotal);
            returned.merge(c.kind, 1L, Long::sum);
        }
        for (IndexDesign.Shape s : shapes) {
            totals.put(s.kind(), s.kindTotal());
            returned.merge(s.kind(), 1L, Long::sum);
        }
        long cut = totals.entrySet().stream().filter(e -> statsOldEnough || !e.getKey().equals("unused"))
                .mapToLong(e -> e.getValue() - returned.get(e.getKey())).sum();
        Notes.truncated(out, ID, LIMIT, limit, counts.values().stream().mapToLong(Integer::longValue).sum(), cut,
                "unused, redundant, invalid or badly built indexes");
        long notJudged = totals.getOrDefault("unused", 0L);
        if (!statsOldEnough && notJudged > 0) {
            out.note(String.format("%,d of the indexes have not been scanned since the statistics started %s, which "
                            + "is too recent to call them unused: %s withholds the verdict (lower it to judge them now)",
                    notJudged, StatsSupport.ago(statsAge),
                    Notes.setting(ID, UNUSED_MIN_STATS_AGE, minAge)));
        }

        counts.forEach((kind, n) -> out.signal(COUNT, n, kind));
        out.signal(WASTED, wasted);
        out.signal(BLOAT, bloat);
        out.signal(MOST_INDEXES, mostIndexes);
        StatsSupport.ranked(out, TOP_UNUSED, unusedSizes.stream().sorted((a, b) -> Double.compare(b, a)).toList(),
                ctx.setting(TOP));
        return out.build();
    }
    /**
     * The shape findings; the largest few bloated ones measured with pgstatindex when pgstattuple is installed (a
     * measurement under the floors withdraws the estimate's finding). Returns the wasted bytes reported.
     */
    private long shapes(DetectionContext ctx, ReadOnlyTx tx, List<IndexDesign.Shape> shapes, Detection.Builder out,
                        Map<String, Integer> counts) {
        boolean measure = tx.server().extensionVersion("pgstattuple").isPresent();
        long exact = ctx.setting(BLOAT_EXACT);
        double minWasted = ctx.setting(BLOAT_MIN_WASTED);
        double ratio = ctx.setting(BLOAT_RATIO);
        Duration timeout = ctx.setting(BLOAT_EXACT_TIMEOUT);
        long wastedTotal = 0;
        int measured = 0;
        List<String> failed = new ArrayList<>();
        for (IndexDesign.Shape s : shapes) {
            if (!s.kind().equals("bloated")) {
                out.finding(IndexDesign.shape(ctx, s));
                counts.merge(s.kind(), 1, Integer::sum);
                continue;
            }
            double wasted = s.estimatedBytes().orElse(0.0);
            String method = "estimate";
            if (measure && measured < exact) {
                measured++;
                Optional<Measured> m = tx.attempt(timeout, () -> tx.first(EXACT, Map.of("oid", s.oid())).orElse(null),
                        e -> failed.add(s.qualified() + " (" + e.getMessage() + ")"));
                if (m.isPresent()) {
                    wasted = m.get().wastedBytes();
                    method = "pgstatindex";
                    if (wasted < minWasted || wasted < ratio * m.get().indexBytes()) {
                        continue; // the measurement overrules the estimate
                    }
                }
            }
            out.finding(IndexDesign.bloated(ctx, s, wasted, method));
            counts.merge(s.kind(), 1, Integer::sum);
            wastedTotal += Math.round(wasted);
        }
        if (!failed.isEmpty()) {
            out.note("pgstatindex could not measure " + String.join(", ", failed) + ": the estimate stands ("
                    + Notes.setting(ID, BLOAT_EXACT, exact) + ", " + Notes.setting(ID, BLOAT_EXACT_TIMEOUT, timeout) + ")");
        }
        return wastedTotal;
    }
}
