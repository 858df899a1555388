package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code integrity.stuck-rows}: rows still in an intermediate state (outbox {@code pending}, saga step
 * {@code reserved}) whose time column is older than the deadline. Without states, every row matching
 * {@code where} counts (reservations past {@code expires_at}, soft-deleted rows past retention).
 */
public final class StuckRowsCheck extends ScanCheck {
    private final Optional<String> stateColumn;
    private final List<String> states;
    private final String timeColumn;
    private final Duration olderThan;
    private final List<String> key;

    public StuckRowsCheck(Common common, PostgresTarget target, Ident table, Optional<String> stateColumn,
                          List<String> states, String timeColumn, Duration olderThan, List<String> key,
                          Optional<String> where, OptionalInt chunkRows, Optional<String> rangeColumn) {
        super(common, target, table, where, chunkRows, rangeColumn);
        this.stateColumn = stateColumn;
        this.states = List.copyOf(states);
        this.timeColumn = timeColumn;
        this.olderThan = olderThan;
        this.key = List.copyOf(key);
    }

    @Override
    public String subject() {
        return table + stateColumn.map(s -> "." + s + " in " + states).orElse("") + " older than " + dev.telltale.core.internal.Quantities.formatDuration(olderThan);
    }

    @Override
    protected Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("older_s", BigDecimal.valueOf(olderThan.toNanos(), 9));
        if (stateColumn.isPresent()) {
            p.put("states", states.toArray(String[]::new));
        }
        return p;
    }

    @Override
    protected String violationsSql(TableInfo info, String range, ReadOnlyTx tx) {
        TableInfo.Column tc = info.column(what("time-column"), timeColumn);
        if (!tc.temporal()) {
            throw new IntegrityConfigException(what("time-column") + ": column '" + timeColumn + "' is " + tc.type()
                    + ", not a date or timestamp");
        }
        stateColumn.ifPresent(s -> info.column(what("state-column"), s));
        List<String> k = info.keyOrPrimary(what("key"), key);
        String ts = "t." + Ident.quote(timeColumn);
        String state = stateColumn.map(s -> " and t." + Ident.quote(s) + "::text = any(:states)").orElse("");
        String stateText = stateColumn.map(s -> " || ' ' || t." + Ident.quote(s) + "::text").orElse("");
        return "select " + keyText("t", k) + stateText + " || ' since ' || " + ts + "::text as key from " + table.quoted()
                + " t where " + range + state + " and " + ts + " < now() - make_interval(secs => :older_s)" + andWhere();
    }
}
