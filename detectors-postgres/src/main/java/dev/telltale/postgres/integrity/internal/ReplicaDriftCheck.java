package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.PostgresTargetAccess;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code integrity.replica-drift}: the same table on a primary and on a replica, compared range by range of
 * its key (the way pt-table-checksum does it): per range, the row count and the sum of a 64-bit hash of each
 * row's text, computed on each server; a range whose pair differs is reported. Range bounds come from the
 * primary and are applied to both. With a settle column, only rows whose time is older than the settle
 * delay are compared, so rows still in flight on an asynchronous replica are not drift. Each range is a
 * short read-only transaction on each server; a run scans as many ranges as its budget allows and the next
 * run resumes.
 */
public final class ReplicaDriftCheck extends Check {
    /** Session settings that fix the text form of values, so both servers print a row the same way. */
    private static final Map<String, String> TEXT_FORM = textForm();

    /** Above this many recently changed rows in one range, the range is skipped this pass rather than misjudged. */
    private static final int MAX_RECENT = 10_000;

    private final PostgresTarget replica;
    private final Ident table;
    private final Optional<String> keyColumn;
    private final List<String> columns;
    private final Optional<String> settleColumn;
    private final Duration settle;
    private final int chunkRows;

    private volatile String key;
    private volatile String keyType;
    private volatile List<String> compared;
    /** Per range of the pass, how it differs; empty when it does not. */
    private final RangeScan<Optional<String>> ranges = new RangeScan<>();

    public ReplicaDriftCheck(Common common, PostgresTarget primary, PostgresTarget replica, Ident table,
                             Optional<String> keyColumn, List<String> columns, Optional<String> settleColumn,
                             Duration settle, int chunkRows) {
        super(common, primary);
        this.replica = replica;
        this.table = table;
        this.keyColumn = keyColumn;
        this.columns = List.copyOf(columns);
        this.settleColumn = settleColumn;
        this.settle = settle;
        this.chunkRows = chunkRows;
    }

    @Override
    public String subject() {
        return table + " on replica " + replica.name();
    }

    @Override
    protected void resolveOn(Duration budget) throws Exception {
        TableInfo p = PostgresTargetAccess.queries(target()).read(common().kind() + " validate", budget, tx -> TableInfo.read(tx, what("table"), table));
        TableInfo r = PostgresTargetAccess.queries(replica).read(common().kind() + " validate", budget,
                tx -> TableInfo.read(tx, what("table") + " on replica '" + replica.name() + "'", table));
        String k = keyColumn.orElseGet(() -> {
            if (p.primaryKey().size() != 1) {
                throw new IntegrityConfigException(what("key") + ": table '" + table + "' has no single-column primary key; name the key column");
            }
            return p.primaryKey().get(0);
        });
        TableInfo.Column kc = p.column(what("key"), k);
        r.column(what("key") + " on replica '" + replica.name() + "'", k);
        List<String> cols = columns.isEmpty() ? List.copyOf(p.columns().keySet()) : columns;
        for (String c : cols) {
            p.column(what("columns"), c);
            r.column(what("columns") + " on replica '" + replica.name() + "'", c);
        }
        settleColumn.ifPresent(s -> {
            TableInfo.Column sc = p.column(what("settle-column"), s);
            if (!sc.temporal()) {
                throw new IntegrityConfigException(what("settle-column") + ": column '" + s + "' is " + sc.type() + ", not a timestamp");
            }
            r.column(what("settle-column") + " on replica '" + replica.name() + "'", s);
        });
        key = k;
        keyType = kc.type();
        compared = cols;
    }

    @Override
    protected CheckResult scan(Duration budget) throws Exception {
        String kq = "t." + Ident.quote(key);
        StringBuilder row = new StringBuilder("row(");
        for (int i = 0; i < compared.size(); i++) {
            row.append(i == 0 ? "" : ", ").append("t.").append(Ident.quote(compared.get(i)));
        }
        row.append(")::text");
        ranges.start(budget, common().rangesPerRun());
        // one cut-off for both servers, taken from the primary's clock
        Instant cutoff = PostgresTargetAccess.queries(target()).read(common().kind() + " clock", budget,
                tx -> tx.one(common().kind(), "select now()", Map.of(), Instant.class)).minus(settle);
        String settled = settleColumn.map(s -> " and t." + Ident.quote(s) + " < :cutoff").orElse("");
        long rows = 0;
        int unsettled = 0;
        while (ranges.more()) {
            Optional<String> lo = ranges.lo();
            Duration left = ranges.left();
            Optional<String> hi = PostgresTargetAccess.queries(target()).read(common().kind() + " bounds", left, tx -> tx.first(common().kind(),
                    "select " + kq + "::text from " + table.quoted() + " t"
                            + (lo.isPresent() ? " where " + kq + " > cast(:lo as " + keyType + ")" : "")
                            + " order by " + kq + " offset " + (chunkRows - 1) + " limit 1",
                    lo.isPresent() ? Map.of("lo", lo.get()) : Map.of(), String.class));
            String range = (lo.isPresent() ? kq + " > cast(:lo as " + keyType + ")" : "true")
                    + (hi.isPresent() ? " and " + kq + " <= cast(:hi as " + keyType + ")" : "");
            // rows changed on the primary within the settle delay may still be in flight: leave those keys out on
            // both sides (the replica may hold their old, "settled-looking" version)
            Optional<List<String>> recent = settleColumn.isEmpty() ? Optional.of(List.of())
                    : recentKeys(range, lo, hi, cutoff, left);
            String label = "(" + lo.orElse("start") + ", " + hi.orElse("end") + "]";
            if (recent.isEmpty()) {
                unsettled++;
            } else {
                String exclude = recent.get().isEmpty() ? "" : " and not (" + kq + " = any(cast(:recent as " + keyType + "[])))";
                String sql = "select count(*) as rows, coalesce(sum(hashtextextended(" + row + ", 0)::numeric), 0) as hash from "
                        + table.quoted() + " t where " + range + settled + exclude;
                Summary p = summary(target(), sql, lo, hi, cutoff, recent.get(), left);
                Summary r = summary(replica, sql, lo, hi, cutoff, recent.get(), left);
                rows += Math.max(p.rows(), r.rows());
                ranges.found(p.equals(r) ? Optional.empty()
                        : Optional.of(label + " rows " + p.rows() + " vs " + r.rows()));
            }
            ranges.done(hi);
        }
        long elapsed = ranges.elapsedNanos();
        List<String> differing = new ArrayList<>();
        ranges.results().forEach(d -> d.ifPresent(differing::add));
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("replica", replica.name());
        evidence.put("scan", "ranges of " + chunkRows + " rows by " + key);
        evidence.put("rows compared", rows);
        evidence.put("ranges compared", ranges.ranges());
        evidence.put("rows per second", elapsed == 0 ? rows : Math.round(rows * 1e9 / elapsed));
        evidence.put("passes completed", ranges.passes());
        evidence.put("ranges skipped as unsettled", unsettled);
        evidence.put("settled before", settleColumn.isPresent() ? cutoff.toString() : "(all rows)");
        return new CheckResult(differing.size(), differing.subList(0, Math.min(differing.size(), common().sampleSize())), evidence);
    }

    private static Map<String, String> textForm() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("timezone", "UTC");
        m.put("datestyle", "ISO, YMD");
        m.put("intervalstyle", "postgres");
        m.put("extra_float_digits", "1");
        m.put("bytea_output", "hex");
        return java.util.Collections.unmodifiableMap(m);
    }

    private record Summary(long rows, BigDecimal hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Summary s && s.rows == rows && s.hash.compareTo(hash) == 0;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(rows);
        }
    }

    /** Keys of the range changed on the primary within the settle delay; empty when there are too many to leave out. */
    private Optional<List<String>> recentKeys(String range, Optional<String> lo, Optional<String> hi, Instant cutoff,
                                              Duration budget) throws Exception {
        String kq = "t." + Ident.quote(key);
        Map<String, Object> params = new LinkedHashMap<>();
        lo.ifPresent(v -> params.put("lo", v));
        hi.ifPresent(v -> params.put("hi", v));
        params.put("cutoff", java.time.OffsetDateTime.ofInstant(cutoff, java.time.ZoneOffset.UTC));
        return PostgresTargetAccess.queries(target()).read(common().kind() + " recent", budget, tx -> {
            List<String> keys = tx.withRowCap(MAX_RECENT + 1).list(common().kind(), "select " + kq + "::text from "
                    + table.quoted() + " t where " + range + " and t." + Ident.quote(settleColumn.orElseThrow())
                    + " >= :cutoff limit " + (MAX_RECENT + 1), params, String.class);
            return keys.size() > MAX_RECENT ? Optional.<List<String>>empty() : Optional.of(keys);
        });
    }

    private Summary summary(PostgresTarget on, String sql, Optional<String> lo, Optional<String> hi, Instant cutoff,
                            List<String> recent, Duration budget) throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        lo.ifPresent(v -> params.put("lo", v));
        hi.ifPresent(v -> params.put("hi", v));
        if (!recent.isEmpty()) {
            params.put("recent", recent.toArray(String[]::new));
        }
        if (settleColumn.isPresent()) {
            params.put("cutoff", java.time.OffsetDateTime.ofInstant(cutoff, java.time.ZoneOffset.UTC));
        }
        return PostgresTargetAccess.queries(on).read(common().kind() + " hash", budget, tx -> {
            tx.setLocal(TEXT_FORM);
            return tx.one(common().kind(), sql, params, Summary.class);
        });
    }
}
