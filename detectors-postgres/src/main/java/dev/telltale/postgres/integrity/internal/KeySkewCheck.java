package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code integrity.key-skew}: among the rows of the last window (by a time column, index it), the keys holding
 * more than {@code factor} times the mean rows per key, and at least {@code minRows}: a hot partition key, a
 * celebrity entity. The sample lists the hottest keys first.
 */
public final class KeySkewCheck extends ScanCheck {
    private final String key;
    private final String timeColumn;
    private final Duration window;
    private final BigDecimal factor;
    private final long minRows;

    public KeySkewCheck(Common common, PostgresTarget target, Ident table, String key, String timeColumn, Duration window,
                        BigDecimal factor, long minRows, Optional<String> where) {
        super(common, target, table, where, OptionalInt.empty(), Optional.empty());
        this.key = key;
        this.timeColumn = timeColumn;
        this.window = window;
        this.factor = factor;
        this.minRows = minRows;
    }

    @Override
    public String subject() {
        return table + "." + key + " over " + dev.telltale.core.internal.Quantities.formatDuration(window);
    }

    @Override
    protected Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("window_s", BigDecimal.valueOf(window.toNanos(), 9));
        p.put("factor", factor);
        p.put("min_rows", minRows);
        return p;
    }

    @Override
    protected String sampleOrder() {
        return "v.n desc, v.key";
    }

    @Override
    protected String violationsSql(TableInfo info, String range, ReadOnlyTx tx) {
        info.column(what("key"), key);
        TableInfo.Column tc = info.column(what("time-column"), timeColumn);
        if (!tc.temporal()) {
            throw new IntegrityConfigException(what("time-column") + ": column '" + timeColumn + "' is " + tc.type()
                    + ", not a date or timestamp");
        }
        return "select c.k || ': ' || c.n::text || ' rows, ' || round(c.n / c.mean, 1)::text || ' x the mean' as key, c.n"
                + " from (select t." + Ident.quote(key) + "::text as k, count(*) as n, avg(count(*)) over () as mean from "
                + table.quoted() + " t where t." + Ident.quote(timeColumn) + " >= now() - make_interval(secs => :window_s)"
                + " and " + range + andWhere() + " group by t." + Ident.quote(key) + ") c"
                + " where c.n > c.mean * :factor and c.n >= :min_rows";
    }
}
