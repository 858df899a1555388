package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.PostgresTargetAccess;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * A check that is one query over a table returning the offending rows as a text {@code key}. Either the
 * whole table at once (bounded by the statement timeout), or, with {@code chunkRows}, in ranges of an
 * ordered column: each range its own short read-only transaction, as many ranges per run as the time budget
 * allows, resuming where the previous run stopped. Results are kept per range, so a violation seen in an
 * earlier range of the pass stays reported until that range is scanned again.
 */
public abstract class ScanCheck extends Check {
    /** The table the check scans, with alias {@code t} in {@link #violationsSql}. */
    protected final Ident table;
    protected final Optional<String> where;
    private final OptionalInt chunkRows;
    private final Optional<String> rangeColumnName;

    private volatile Prepared prepared;
    private volatile TableInfo info;
    private final RangeScan<ChunkHit> ranges = new RangeScan<>();

    private record Prepared(String sql, Optional<TableInfo.Column> range, String quotedTable) {
    }

    private record ChunkHit(long count, List<String> sample, long critical) {
    }

    /** One offending row of the sample, with the totals over all of them. */
    private record Hit(long total, long critical, String key) {
    }

    protected ScanCheck(Common common, PostgresTarget target, Ident table, Optional<String> where,
                        OptionalInt chunkRows, Optional<String> rangeColumn) {
        super(common, target);
        this.table = table;
        this.where = where;
        this.chunkRows = chunkRows;
        this.rangeColumnName = rangeColumn;
    }

    /**
     * The query returning one row per violation with a text column {@code key}; {@code range} is a predicate on
     * alias {@code t} to AND into the scan of the main table ({@code true} when not ranged).
     */
    protected abstract String violationsSql(TableInfo info, String range, ReadOnlyTx tx);

    /** The column ranges are cut on when none is configured: the single-column primary key by default. */
    protected String defaultRangeColumn(TableInfo info) {
        if (info.primaryKey().size() != 1) {
            throw new IntegrityConfigException(what("range-column") + ": table '" + table + "' has no single-column "
                    + "primary key to scan in ranges; name an indexed range column");
        }
        return info.primaryKey().get(0);
    }

    /**
     * Whether {@link #violationsSql} also returns a boolean column {@code critical} marking violations that are
     * critical whatever the check's severity.
     */
    protected boolean marksCritical() {
        return false;
    }

    /** The order of the sample of offending keys (columns of the violations query, alias {@code v}). */
    protected String sampleOrder() {
        return "v.key";
    }

    /** Values the query binds by name (user values are always bound, never spliced). */
    protected Map<String, Object> params() {
        return Map.of();
    }

    @Override
    protected Map<String, String> fragments() {
        return where.map(w -> Map.of("where", w)).orElse(Map.of());
    }

    /** {@code and (<where>)}, or nothing. */
    protected final String andWhere() {
        return where.map(w -> " and (" + w + ")").orElse("");
    }

    protected static String keyText(String alias, List<String> columns) {
        if (columns.size() == 1) {
            return alias + "." + Ident.quote(columns.get(0)) + "::text";
        }
        StringBuilder b = new StringBuilder("concat_ws(',', ");
        for (int i = 0; i < columns.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(alias).append('.').append(Ident.quote(columns.get(i)));
        }
        return b.append(")").toString();
    }

    protected static String columnList(String alias, List<String> columns) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(alias).append('.').append(Ident.quote(columns.get(i)));
        }
        return b.toString();
    }

    @Override
    protected final void resolveOn(Duration budget) throws Exception {
        resolveOnTarget(budget, this::resolve);
    }

    private void resolve(ReadOnlyTx tx) {
        TableInfo info = TableInfo.read(tx, what("table"), table);
        Optional<TableInfo.Column> range = Optional.empty();
        if (chunkRows.isPresent()) {
            String rc = rangeColumnName.orElseGet(() -> defaultRangeColumn(info));
            range = Optional.of(info.column(what("range-column"), rc));
        }
        String sql = violationsSql(info, "true", tx);
        // a dry run plans the query: a bad where fragment or type mismatch is a config error now, not at 3 a.m.
        try {
            tx.list(common().kind(), "explain " + sql, params(), String.class);
        } catch (RuntimeException e) {
            throw new IntegrityConfigException(label() + ": the check's query does not plan on the server: "
                    + rootMessage(e));
        }
        this.info = info;
        prepared = new Prepared(sql, range, info.table().quoted());
    }

    @Override
    protected final CheckResult scan(Duration budget) throws Exception {
        return chunkRows.isPresent() ? ranged(budget) : whole(budget);
    }

    private CheckResult whole(Duration budget) throws Exception {
        long start = System.nanoTime();
        ChunkHit hit = PostgresTargetAccess.queries(target()).readUserSql(common().kind(), budget, tx -> hits(tx, prepared.sql(), params()));
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("scan", "whole table");
        evidence.put("duration ms", (System.nanoTime() - start) / 1_000_000);
        return new CheckResult(hit.count(), hit.sample(), evidence, hit.critical());
    }

    private CheckResult ranged(Duration budget) throws Exception {
        TableInfo.Column rc = prepared.range().orElseThrow();
        String rcq = "t." + Ident.quote(rc.name());
        String cast = "cast(:lo as " + rc.type() + ")";
        String castHi = "cast(:hi as " + rc.type() + ")";
        int n = chunkRows.getAsInt();
        long rows = 0;
        ranges.start(budget, common().rangesPerRun());
        while (ranges.more()) {
            Optional<String> lo = ranges.lo();
            record Step(Optional<String> hi, long rows, ChunkHit hit) {
            }
            Step step = PostgresTargetAccess.queries(target()).readUserSql(common().kind() + " chunk", ranges.left(), tx -> {
                String after = lo.isPresent() ? " where " + rcq + " > " + cast : "";
                Map<String, Object> p = new LinkedHashMap<>();
                lo.ifPresent(v -> p.put("lo", v));
                Map<String, Object> boundary = Map.copyOf(p);
                Optional<String> hi = tx.first(common().kind(), "select " + rcq + "::text from " + prepared.quotedTable()
                        + " t" + after + " order by " + rcq + " offset " + (n - 1) + " limit 1", boundary, String.class);
                StringBuilder range = new StringBuilder();
                range.append(lo.isPresent() ? rcq + " > " + cast : "true");
                long chunkRowCount = n;
                if (hi.isPresent()) {
                    range.append(" and ").append(rcq).append(" <= ").append(castHi);
                    p.put("hi", hi.get());
                } else {
                    chunkRowCount = tx.one(common().kind(), "select count(*) from " + prepared.quotedTable() + " t" + after,
                            boundary, Long.class);
                }
                p.putAll(params());
                String sql = violationsSql(info, range.toString(), tx);
                return new Step(hi, chunkRowCount, hits(tx, sql, p));
            });
            ranges.found(step.hit());
            rows += step.rows();
            ranges.done(step.hi());
        }
        long elapsed = ranges.elapsedNanos();
        long total = 0;
        long critical = 0;
        TreeSet<String> sample = new TreeSet<>();
        for (ChunkHit h : ranges.results()) {
            total += h.count();
            critical += h.critical();
            sample.addAll(h.sample());
        }
        List<String> first = new ArrayList<>(sample).subList(0, Math.min(sample.size(), common().sampleSize()));
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("scan", "ranges of " + n + " rows by " + rc.name());
        evidence.put("rows scanned", rows);
        evidence.put("ranges scanned", ranges.ranges());
        evidence.put("rows per second", elapsed == 0 ? rows : Math.round(rows * 1e9 / elapsed));
        evidence.put("passes completed", ranges.passes());
        evidence.put("resume after", ranges.lo().orElse("(start of table)"));
        return new CheckResult(total, List.copyOf(first), evidence, critical);
    }

    private ChunkHit hits(ReadOnlyTx tx, String violations, Map<String, Object> params) {
        String critical = marksCritical() ? "count(*) filter (where v.critical) over ()" : "0";
        List<Hit> rows = tx.list(common().kind(), "select count(*) over () as total, " + critical + " as critical, "
                + "left(v.key, 200) as key from (" + violations + ") v order by " + sampleOrder() + " limit "
                + common().sampleSize(), params, Hit.class);
        return rows.isEmpty() ? new ChunkHit(0, List.of(), 0)
                : new ChunkHit(rows.get(0).total(), rows.stream().map(Hit::key).toList(), rows.get(0).critical());
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
