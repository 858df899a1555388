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

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code postgres.schema}: schema objects that quietly let data go wrong, read from the catalogs only.
 * <ul>
 *   <li>Tables with no primary key and no usable replica identity ({@code DATA_DRIFT}): logical replication
 *   cannot find their rows on the subscriber, so a published table refuses updates and deletes (critical), and
 *   a table added to a publication later, or copied by tools that match rows by key, drifts. A warning when the
 *   database has publications, information otherwise.</li>
 *   <li>{@code NOT VALID} foreign keys ({@code ORPHANED_RECORDS}) and checks ({@code SILENT_DATA_CORRUPTION})
 *   never validated: the rows written before the constraint were never checked.</li>
 *   <li>Disabled user triggers ({@code SILENT_DATA_CORRUPTION}): whatever the trigger keeps (an audit row, a
 *   denormalised total) stops being kept, without an error.</li>
 * </ul>
 */
public final class SchemaDetector extends PostgresDetector implements SchemaDetectorSpec {
    private static final SqlFile<Row> OBJECTS = SqlFile.load(SchemaDetector.class, "schema-objects", Row.class);
    static final List<String> KINDS = List.of("no-primary-key", "not-valid-foreign-key", "not-valid-check",
            "disabled-trigger");

    private record Row(String kind, String schema, String table, boolean partitioned, long rows, String object,
                       String detail, boolean published, String tableSql, String objectSql, long publications,
                       long kindTotal) {
        String name() {
            return schema + "." + table;
        }
    }

    public SchemaDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        long limit = ctx.setting(LIMIT);
        List<Row> rows = tx.list(OBJECTS, Map.of("limit", limit));
        Detection.Builder out = Detection.builder();
        Map<String, Long> totals = new LinkedHashMap<>();
        KINDS.forEach(k -> totals.put(k, 0L));
        Map<String, Long> shown = new HashMap<>();
        for (Row r : rows) {
            totals.put(r.kind(), r.kindTotal());
            shown.merge(r.kind(), 1L, Long::sum);
            out.finding(switch (r.kind()) {
                case "no-primary-key" -> noPrimaryKey(ctx, r);
                case "disabled-trigger" -> disabledTrigger(ctx, r);
                default -> notValid(ctx, r);
            });
        }
        totals.forEach((kind, n) -> out.signal(FOUND, n, kind));
        long cut = totals.entrySet().stream().mapToLong(e -> e.getValue() - shown.getOrDefault(e.getKey(), 0L)).sum();
        Notes.truncated(out, ID, LIMIT, limit, rows.size(), cut, "tables without a primary key, unvalidated constraints "
                + "or disabled triggers");
        return out.build();
    }

    private static Finding.Builder noPrimaryKey(DetectionContext ctx, Row r) {
        String identity = switch (r.detail()) {
            case "n" -> "nothing";
            case "i" -> "an index that no longer exists";
            default -> "default (the primary key, which it lacks)";
        };
        Severity severity = r.published() ? Severity.CRITICAL : r.publications() > 0 ? Severity.WARNING : Severity.INFO;
        String consequence = r.published()
                ? "it is published for logical replication, so its updates and deletes fail with 'cannot update table "
                + "because it does not have a replica identity'"
                : r.publications() > 0
                ? "the database publishes other tables: added to a publication, its updates and deletes would fail"
                : "logical replication and tools that match rows by key cannot apply its updates and deletes";
        return ctx.finding(Problem.DATA_DRIFT, severity, r.name() + " (no primary key)")
                .summary((r.partitioned() ? "partitioned table " : "table ") + r.name() + " has no primary key and its "
                        + "replica identity is " + identity + "; " + consequence)
                .evidence("table", r.name()).evidence("rows", r.rows()).evidence("partitioned", r.partitioned())
                .evidence("replica_identity", identity).evidence("published", r.published())
                .evidence("publications", r.publications())
                .hint("add a primary key on a unique, not-null column set: create unique index concurrently <name> on "
                        + r.tableSql() + " (<columns>); then alter table " + r.tableSql() + " add primary key using index "
                        + "<name>; (or, when there is no such key, alter table " + r.tableSql() + " replica identity "
                        + "full, which ships whole rows and makes the subscriber scan for each change)");
    }

    private static Finding.Builder notValid(DetectionContext ctx, Row r) {
        boolean fk = r.kind().equals("not-valid-foreign-key");
        String what = fk ? "foreign key " + r.object() + " (to " + r.detail() + ")" : "check constraint " + r.object();
        return ctx.finding(fk ? Problem.ORPHANED_RECORDS : Problem.SILENT_DATA_CORRUPTION, Severity.WARNING,
                        r.name() + " (" + r.object() + ")")
                .summary(what + " on " + r.name() + " was added NOT VALID and never validated: rows written before it "
                        + "were never checked" + (fk ? " and may point at rows that do not exist" : " and may break it"))
                .evidence("table", r.name()).evidence("constraint", r.object())
                .evidence("type", fk ? "foreign key" : "check").evidence("references", fk ? r.detail() : null)
                .evidence("rows", r.rows())
                .hint("alter table " + r.tableSql() + " validate constraint " + r.objectSql() + "; it scans the table "
                        + "under a SHARE UPDATE EXCLUSIVE lock only (reads and writes go on); if it fails, fix the rows "
                        + "it names first");
    }

    private static Finding.Builder disabledTrigger(DetectionContext ctx, Row r) {
        return ctx.finding(Problem.SILENT_DATA_CORRUPTION, Severity.WARNING, r.name() + " (trigger " + r.object() + ")")
                .summary("trigger " + r.object() + " on " + r.name() + " is disabled: whatever it keeps stopped being "
                        + "kept, without an error, for every row written since")
                .evidence("table", r.name()).evidence("trigger", r.object()).evidence("rows", r.rows())
                .hint("if it was disabled for a bulk load that has ended: alter table " + r.tableSql() + " enable trigger "
                        + r.objectSql() + "; (a brief SHARE ROW EXCLUSIVE lock); rows written while it was off were not "
                        + "processed by it, so repair them; if it is meant to stay off, drop it");
    }
}
