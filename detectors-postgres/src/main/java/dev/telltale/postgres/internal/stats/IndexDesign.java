package dev.telltale.postgres.internal.stats;

import dev.telltale.core.DetectionContext;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.internal.ServerProbe;

import java.util.Optional;

/**
 * The findings of {@code postgres.indexes} about how an index is built rather than how it is used: intersected
 * pairs (identical copies the redundant-index finding cannot drop, and overlaps to review), mostly-NULL leading
 * columns, boolean-only keys, B-trees on arrays and bloat. Each hint is safe to follow as written: a copy is
 * dropped only with the one to keep named, an overlap is only ever to review, and every rebuild is concurrent.
 */
final class IndexDesign {
    /** PostgreSQL's identifier length: a longer name given to CREATE INDEX is cut there. */
    private static final int MAX_NAME = 63;

    private IndexDesign() {
    }

    /**
     * An index shape found by {@code index-shapes.sql}; {@code detail} is the column of a mostly-NULL index as
     * named in the catalog, the key or array columns of a boolean or array index as written in SQL (quoted).
     */
    record Shape(String kind, String schema, String table, String index, long scans, long size, String definition,
                 String detail, Optional<Double> ratio, Optional<Double> estimatedBytes, long kindTotal, long oid) {
        String qualified() {
            return schema + "." + index;
        }

        String relation() {
            return schema + "." + table;
        }
    }

    /** A pair from {@code index-candidates.sql}'s intersected kind: {@code index} overlaps {@code other}. */
    record Pair(String schema, String table, String index, String other, long scans, long otherScans, Long size,
                String definition, String otherDefinition, String detail, String constraint, boolean partitioned) {
    }

    /**
     * The statement that drops {@code index}: concurrently, except on a partitioned table, where PostgreSQL
     * refuses that and the drop locks the table and its partitions, so it is bounded by a lock timeout.
     */
    static String dropIndex(String index, boolean partitioned) {
        return partitioned
                ? "set lock_timeout = '5s'; drop index " + index + "; (an index of a partitioned table cannot be dropped "
                + "concurrently: this takes a short ACCESS EXCLUSIVE lock on the table and its partitions, so run it in a "
                + "quiet moment)"
                : "drop index concurrently " + index + ";";
    }

    static Finding.Builder intersected(DetectionContext ctx, Pair p) {
        String a = p.schema + "." + p.index;
        String b = p.schema + "." + p.other;
        Finding.Builder f;
        if (p.detail.equals("identical")) {
            String drop = p.constraint.isEmpty()
                    ? dropIndex(a, p.partitioned)
                    : "alter table " + p.schema + "." + p.table + " drop constraint " + ServerProbe.quoteIdent(p.constraint)
                    + "; (a foreign key that depends on it makes this fail: recreate that foreign key first, it then uses "
                    + p.other + ")";
            f = ctx.finding(Problem.UNUSED_INDEXES, Severity.WARNING, a + " (duplicate)")
                    .summary("index " + a + " is identical to " + b + " (same columns, operator classes, order and "
                            + "predicate): every write updates both, reads need one"
                            + (p.constraint.isEmpty() ? "" : "; it backs constraint " + p.constraint))
                    .hint("keep " + b + "; " + drop);
        } else {
            f = ctx.finding(Problem.UNUSED_INDEXES, Severity.INFO, a + " ~ " + p.other + " (intersected)")
                    .summary("indexes " + a + " and " + b + " overlap: the columns of the first lead the second's, but "
                            + reason(p.detail, a, b))
                    .hint("review before dropping either: compare their idx_scan over a full business cycle and on "
                            + "every replica (select indexrelname, idx_scan from pg_stat_user_indexes where indexrelid in ('"
                            + a + "'::regclass, '" + b + "'::regclass)); neither is redundant as it stands");
        }
        return f.evidence("table", p.schema + "." + p.table).evidence("other", b).evidence("relation", p.detail)
                .evidence("idx_scan", p.scans).evidence("other_idx_scan", p.otherScans)
                .evidence("size_bytes", p.size).evidence("definition", p.definition)
                .evidence("other_definition", p.otherDefinition);
    }

    private static String reason(String detail, String a, String b) {
        return switch (detail) {
            case "method" -> "they use different access methods, which answer different operators";
            case "opclass" -> "they use different operator classes (text_pattern_ops serves LIKE 'abc%', the default "
                    + "serves ordering)";
            case "collation" -> "they sort by different collations";
            case "order" -> "their sort orders differ (ASC/DESC, NULLS FIRST/LAST), which ORDER BY over several columns "
                    + "can need";
            case "include" -> "one holds as INCLUDE columns what the other has as keys";
            case "unique" -> a + " enforces uniqueness, and " + b + " serves queries that also filter or sort on its "
                    + "further columns";
            case "constraint" -> a + " backs a constraint";
            default -> b + " is the one queries on its leading columns could use instead, once " + a + " is shown unused";
        };
    }

    static Finding.Builder shape(DetectionContext ctx, Shape s) {
        String index = s.qualified();
        Finding.Builder f = switch (s.kind) {
            case "mostly-null" -> {
                String column = ServerProbe.quoteIdent(s.detail);
                yield ctx.finding(Problem.UNUSED_INDEXES, Severity.WARNING, index + " (mostly null)")
                        .summary(String.format("index %s on %s leads with column %s, which is NULL in %.0f %% of the rows: "
                                        + "most of its %s holds entries that a query for a value never reads", index,
                                s.relation(), s.detail, s.ratio.orElse(0.0) * 100, StatsSupport.mb(s.size)))
                        .evidence("column", s.detail).evidence("null_frac", StatementsDetector.round(s.ratio.orElse(0.0)))
                        .hint("if no query looks for " + s.detail + " is null through it, build a partial copy, then drop this "
                                + "one: " + recreate(s, "not_null") + " where " + column + " is not null; drop index concurrently "
                                + index + ";");
            }
            case "boolean" -> ctx.finding(Problem.UNUSED_INDEXES, Severity.WARNING, index + " (boolean)")
                    .summary("index " + index + " on " + s.relation() + " has only boolean key columns (" + s.detail
                            + "): two values split the rows in large groups, so it can serve the rare value at best")
                    .evidence("columns", s.detail)
                    .hint(s.scans == 0
                            ? "it has not been scanned: check replicas too, then drop index concurrently " + index + ";"
                            : "a partial index holds only the rows of the rare value: " + recreate(s, "partial") + " where "
                            + firstColumn(s.detail) + "; (or where not " + firstColumn(s.detail)
                            + ", whichever value is rare), then drop index concurrently " + index + ";");
            case "array-btree" -> {
                String column = firstColumn(s.detail);
                yield ctx.finding(Problem.UNUSED_INDEXES, Severity.WARNING, index + " (array b-tree)")
                        .summary("B-tree index " + index + " on " + s.relation() + " indexes array column " + s.detail
                                + ": a B-tree answers whole-array comparisons only, not containment (@>, &&, = any)")
                        .evidence("columns", s.detail)
                        .hint("for containment searches build a GIN index: create index concurrently "
                                + name(s.index, "gin") + " on " + s.relation() + " using gin (" + column
                                + "); then, if no query compares whole arrays, drop index concurrently " + index + ";");
            }
            default -> throw new IllegalStateException("index-shapes.sql gave an unknown kind: " + s.kind);
        };
        return f.evidence("table", s.relation()).evidence("idx_scan", s.scans).evidence("size_bytes", s.size)
                .evidence("definition", s.definition);
    }

    static Finding.Builder bloated(DetectionContext ctx, Shape s, double wasted, String method) {
        String index = s.qualified();
        double share = s.size == 0 ? 0 : wasted / s.size;
        return ctx.finding(Problem.STORAGE_BLOAT, Severity.WARNING, index + " (bloat)")
                .summary(String.format("index %s on %s wastes about %s (%.0f %% of its %s), %s", index, s.relation(),
                        StatsSupport.mb(wasted), share * 100, StatsSupport.mb(s.size),
                        method.equals("pgstatindex") ? "measured by pgstatindex" : "estimated from pg_stats"))
                .evidence("table", s.relation()).evidence("size_bytes", s.size).evidence("wasted_bytes", Math.round(wasted))
                .evidence("bloat_ratio", StatementsDetector.round(share)).evidence("method", method)
                .evidence("definition", s.definition)
                .hint("rebuild it without blocking writes (it needs room for a second copy while it builds): "
                        + "reindex index concurrently " + index + ";");
    }

    /** The index's own definition as a concurrent build of a new index named after it. */
    private static String recreate(Shape s, String suffix) {
        String body = s.definition.replaceFirst("^CREATE (UNIQUE )?INDEX .+? ON ", "");
        return "create index concurrently " + name(s.index, suffix) + " on " + body;
    }

    private static String name(String index, String suffix) {
        String base = index.length() + suffix.length() + 1 > MAX_NAME
                ? index.substring(0, MAX_NAME - suffix.length() - 1) : index;
        return ServerProbe.quoteIdent(base + "_" + suffix);
    }

    private static String firstColumn(String columns) {
        int comma = columns.indexOf(", ");
        return comma < 0 ? columns : columns.substring(0, comma);
    }
}
