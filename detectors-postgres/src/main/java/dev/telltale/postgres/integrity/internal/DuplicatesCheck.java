package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code integrity.duplicates}: more than one row per key (among the rows matching {@code where}), or, with a
 * window, two rows of the same key created within that window of each other (a double click 2 s apart).
 * Ranged scans cut on the first key column so that the rows of one key never straddle two ranges.
 */
public final class DuplicatesCheck extends ScanCheck {
    private final List<String> key;
    private final Optional<Duration> window;
    private final Optional<String> timeColumn;

    public DuplicatesCheck(Common common, PostgresTarget target, Ident table, List<String> key, Optional<String> where,
                           Optional<Duration> window, Optional<String> timeColumn, OptionalInt chunkRows) {
        super(common, target, table, where, chunkRows, Optional.of(key.get(0)));
        this.key = List.copyOf(key);
        this.window = window;
        this.timeColumn = timeColumn;
    }

    @Override
    public String subject() {
        return table + "(" + String.join(", ", key) + ")" + window.map(w -> " within " + dev.telltale.core.internal.Quantities.formatDuration(w)).orElse("");
    }

    @Override
    protected Map<String, Object> params() {
        return window.<Map<String, Object>>map(w -> Map.of("window_s", BigDecimal.valueOf(w.toNanos(), 9))).orElse(Map.of());
    }

    @Override
    protected String violationsSql(TableInfo info, String range, ReadOnlyTx tx) {
        key.forEach(k -> info.column(what("key"), k));
        if (window.isEmpty()) {
            return "select " + keyText("t", key) + " || ' x' || count(*)::text as key from " + table.quoted() + " t where "
                    + range + andWhere() + " group by " + columnList("t", key) + " having count(*) > 1";
        }
        String ts = timeColumn.orElseThrow();
        TableInfo.Column tc = info.column(what("time-column"), ts);
        if (!tc.temporal()) {
            throw new IntegrityConfigException(what("time-column") + ": column '" + ts + "' is " + tc.type()
                    + ", not a date or timestamp");
        }
        StringBuilder same = new StringBuilder();
        for (String k : key) {
            same.append(" and d.").append(Ident.quote(k)).append(" = t.").append(Ident.quote(k));
        }
        String tq = Ident.quote(ts);
        // unqualified names in the where condition resolve to the innermost table, so it filters d and t alike
        return "select " + keyText("t", key) + " || ' at ' || t." + tq + "::text as key from " + table.quoted()
                + " t where " + range + andWhere() + " and exists (select 1 from " + table.quoted() + " d where true"
                + same + " and d." + tq + " >= t." + tq + " and d." + tq + " <= t." + tq
                + " + make_interval(secs => :window_s) and (d." + tq + ", d.ctid) > (t." + tq + ", t.ctid)" + andWhere() + ")";
    }
}
