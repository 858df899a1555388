package dev.telltale.postgres.internal.schema;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;
import dev.telltale.postgres.internal.Words;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code postgres.foreign-keys}: foreign keys whose child table has no index starting with the key's columns
 * (in any order: the check a delete or key update on the parent runs, {@code select 1 from only child where
 * cols = $1 for key share}, is an equality on all of them), and foreign keys that duplicate another one. Without
 * the index every delete on the parent scans the whole child and row-locks what it finds, so parent deletes
 * queue behind child writers and cascades crawl. Information by default, a warning when the parent saw deletes
 * or updates (since the previous run; on the first run, since the statistics reset) or the child has lock waits
 * now. {@code postgres.lock-waits} asks {@link #unindexedOn} about the relations its waiters queue on, so the
 * lock-wait finding names this cause; the cause itself is reported here only.
 */
public final class ForeignKeysDetector extends PostgresDetector implements ForeignKeysDetectorSpec {
    private static final SqlFile<Row> FOREIGN_KEYS = SqlFile.load(ForeignKeysDetector.class, "foreign-keys", Row.class);
    static final List<String> KINDS = List.of("unindexed", "duplicate");

    /** The parents' deletes plus updates at the previous run, by oid, and when that run read them. */
    private Map<Long, Long> previousWrites = Map.of();
    private Instant previousAt;

    private record Row(String kind, long childOid, String childSchema, String childTable, boolean childPartitioned,
                       long childRows, String constraintName, long parentOid, String parentSchema, String parentTable,
                       List<String> columns, List<String> parentColumns, String duplicateOf, long deletes, long updates,
                       long waiters, String childSql, String constraintSql, String columnsSql, String indexSql,
                       long kindTotal) {
        String child() {
            return childSchema + "." + childTable;
        }

        String parent() {
            return parentSchema + "." + parentTable;
        }

        /** {@code public.orders.customer_id references public.customers without an index}. */
        String unindexedWords() {
            return child() + "." + (columns.size() == 1 ? columns.get(0) : "(" + String.join(", ", columns) + ")")
                    + " references " + parent() + " without an index";
        }

        String createIndex() {
            if (!childPartitioned) {
                return "create index concurrently " + indexSql + " on " + childSql + " (" + columnsSql + ");";
            }
            // concurrently is refused on a partitioned table: build it per partition, then attach
            return "create index " + indexSql + " on only " + childSql + " (" + columnsSql + "); then for each partition: "
                    + "create index concurrently <name> on <partition> (" + columnsSql + "); alter index " + indexSql
                    + " attach partition <name>;";
        }
    }

    public ForeignKeysDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        long limit = ctx.setting(LIMIT);
        List<Row> rows = tx.list(FOREIGN_KEYS, Map.of("limit", limit, "children", new long[0]));
        Instant now = ctx.now();
        Map<Long, Long> writes = new HashMap<>();
        rows.forEach(r -> writes.putIfAbsent(r.parentOid(), r.deletes() + r.updates()));
        if (ctx.baselinePass()) {
            previousWrites = writes;
            previousAt = now;
            return Detection.nothing();
        }
        Detection.Builder out = Detection.builder();
        Map<String, Long> totals = new LinkedHashMap<>();
        KINDS.forEach(k -> totals.put(k, 0L));
        Map<String, Long> shown = new HashMap<>();
        long threshold = ctx.setting(PARENT_WRITES);
        for (Row r : rows) {
            totals.put(r.kind(), r.kindTotal());
            shown.merge(r.kind(), 1L, Long::sum);
            if (r.kind().equals("unindexed")) {
                Long before = previousWrites.get(r.parentOid());
                out.finding(unindexed(ctx, r, before == null ? null : Duration.between(previousAt, now), before, threshold));
            } else {
                out.finding(ctx.finding(Problem.WRITE_AMPLIFICATION, Severity.INFO, r.child() + " (" + r.constraintName() + ")")
                        .summary("foreign key " + r.constraintName() + " on " + r.child() + " repeats " + r.duplicateOf()
                                + " (" + String.join(", ", r.columns()) + " -> " + r.parent() + "): every write to "
                                + r.child() + " and every delete on " + r.parent() + " is checked twice")
                        .evidence("child", r.child()).evidence("constraint", r.constraintName())
                        .evidence("duplicate_of", r.duplicateOf()).evidence("parent", r.parent())
                        .evidence("columns", String.join(", ", r.columns()))
                        .evidence("parent_columns", String.join(", ", r.parentColumns()))
                        .hint("drop the copy, keeping " + r.duplicateOf() + ": set lock_timeout = '2s'; alter table "
                                + r.childSql() + " drop constraint " + r.constraintSql() + "; (it briefly takes an ACCESS "
                                + "EXCLUSIVE lock on " + r.child() + " and a SHARE ROW EXCLUSIVE lock on " + r.parent()
                                + "; retry if the lock timeout is hit)"));
            }
        }
        totals.forEach((kind, n) -> out.signal(FOUND, n, kind));
        long cut = totals.entrySet().stream().mapToLong(e -> e.getValue() - shown.getOrDefault(e.getKey(), 0L)).sum();
        Notes.truncated(out, ID, LIMIT, limit, rows.size(), cut, "foreign keys without an index or duplicated");
        previousWrites = writes;
        previousAt = now;
        return out.build();
    }

    /** {@code before}: the parent's deletes plus updates {@code ago}, null when there is no earlier sample. */
    private static Finding.Builder unindexed(DetectionContext ctx, Row r, Duration ago, Long before, long threshold) {
        long writes = r.deletes() + r.updates();
        boolean delta = before != null && writes >= before;
        long recent = delta ? writes - before : writes;
        String since = delta ? "in the last " + Words.duration(ago)
                : "since the statistics were reset (no earlier sample)";
        Severity severity = r.waiters() > 0 || recent >= threshold ? Severity.WARNING : Severity.INFO;
        String why = r.waiters() > 0 ? Words.count(r.waiters(), "session") + " waiting on a lock of " + r.child() + " now"
                : recent > 0 ? r.parent() + " had " + recent + " deletes and updates " + since : r.parent() + " had no deletes or updates " + since;
        return ctx.finding(Problem.DATABASE_DEADLOCKS, severity, r.child() + " (" + r.constraintName() + ")")
                .summary(r.unindexedWords() + " (" + r.constraintName() + "): each delete or key update on " + r.parent()
                        + " scans and row-locks " + r.child() + " (about " + r.childRows() + " rows); " + why)
                .evidence("child", r.child()).evidence("constraint", r.constraintName()).evidence("parent", r.parent())
                .evidence("columns", String.join(", ", r.columns()))
                .evidence("parent_columns", String.join(", ", r.parentColumns()))
                .evidence("child_rows", r.childRows())
                .evidence("child_partitioned", r.childPartitioned())
                .evidence("parent_deletes_and_updates", recent)
                .evidence("parent_writes_measured", since)
                .evidence("child_lock_waiters", r.waiters())
                .evidence("ddl", r.createIndex())
                .hint(r.createIndex() + " (concurrently: writes to " + r.child() + " go on while it builds; "
                        + "if it fails, drop the invalid index it leaves and retry)");
    }

    /**
     * For {@code postgres.lock-waits}: the foreign keys without an index whose child is one of {@code relations}
     * (oids of the connected database), one line each naming the cause, by child oid. One bounded catalog query.
     */
    public static Map<Long, List<String>> unindexedOn(ReadOnlyTx tx, Collection<Long> relations, int limit) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        if (relations.isEmpty()) {
            return out;
        }
        long[] children = relations.stream().mapToLong(Long::longValue).distinct().toArray();
        for (Row r : tx.list(FOREIGN_KEYS, Map.of("limit", (long) limit, "children", children))) {
            if (r.kind().equals("unindexed")) {
                out.computeIfAbsent(r.childOid(), k -> new ArrayList<>())
                        .add(r.unindexedWords() + ": deletes on " + r.parent() + " lock-scan " + r.child()
                                + " (" + r.constraintName() + "; postgres.foreign-keys has the index to create)");
            }
        }
        return out;
    }
}
