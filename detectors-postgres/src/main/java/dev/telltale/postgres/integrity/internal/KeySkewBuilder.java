package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityCheckBuilder;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/** Builds an {@code integrity.key-skew} check ({@link KeySkewCheck}). */
public final class KeySkewBuilder extends CheckBuilder<KeySkewBuilder> implements IntegrityCheckBuilder.KeySkew {
    public static final KindSpec KIND = KeySkewKind.TABLE.reads((owner, s) -> {
        var b = new KeySkewBuilder(owner, s.get("table"), s.get("key"));
        b.window(s.get("window"), s.get("time-column"));
        s.<BigDecimal>opt("factor").ifPresent(f -> b.factor(f.doubleValue()));
        s.<Long>opt("min-rows").ifPresent(b::minRows);
        return b;
    });

    private final Ident table;
    private final String key;
    private Optional<String> timeColumn = Optional.empty();
    private Optional<Duration> window = Optional.empty();
    private BigDecimal factor = BigDecimal.TEN;
    private long minRows = 1000;

    public KeySkewBuilder(Owner owner, String table, String key) {
        super(owner, KIND);
        this.table = Ident.table(at("table"), table);
        this.key = Ident.column(at("key"), key);
    }

    /** Look at the rows whose {@code timeColumn} is within the last {@code window}. */
    public KeySkewBuilder window(Duration window, String timeColumn) {
        this.window = Optional.of(positive("window", window));
        this.timeColumn = Optional.of(Ident.column(at("time-column"), timeColumn));
        return this;
    }

    /** A key is hot above this many times the mean rows per key (default 10). */
    public KeySkewBuilder factor(double factor) {
        if (!(factor > 1)) {
            throw new IntegrityConfigException(at("factor") + ": '" + factor + "' must be above 1");
        }
        this.factor = BigDecimal.valueOf(factor);
        return this;
    }

    /** ... and with at least this many rows in the window (default 1000). */
    public KeySkewBuilder minRows(long rows) {
        if (rows < 1) {
            throw new IntegrityConfigException(at("min-rows") + ": '" + rows + "' must be 1 or more");
        }
        this.minRows = rows;
        return this;
    }

    @Override
    protected String defaultName() {
        return table + "." + key;
    }

    @Override
    protected Check check(Check.Common common) {
        Duration w = required(window, "window", "window(duration, timeColumn)");
        return new KeySkewCheck(common, target(), table, key, timeColumn.orElseThrow(), w, factor, minRows, where);
    }
}
