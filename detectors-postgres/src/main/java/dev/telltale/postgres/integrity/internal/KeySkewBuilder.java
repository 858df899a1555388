package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.integrity.IntegrityCheckBuilder;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

import static dev.telltale.postgres.integrity.internal.Field.optional;
import static dev.telltale.postgres.integrity.internal.Field.required;
import static dev.telltale.postgres.integrity.internal.FieldType.*;

/** Builds an {@code integrity.key-skew} check ({@link KeySkewCheck}). */
public final class KeySkewBuilder extends CheckBuilder<KeySkewBuilder> implements IntegrityCheckBuilder.KeySkew {
    public static final KindSpec KIND = KindSpec.of("key-skew",
                    "among the rows of the last window, keys with more than `factor` (10) times the mean rows per key "
                            + "and at least `min-rows` (1000)", Problem.HOT_PARTITION, Severity.WARNING)
            .finding("hot key", "One key takes most of the rows: spread it (salt the key, split the "
                            + "entity) or give it its own partition")
            .fields(required("table", TABLE, "The table."),
                    required("key", COLUMN, "The column whose values should share the rows evenly."),
                    required("time-column", COLUMN, "The date or timestamp column the window is read by (index it: "
                            + "only the window's rows are read)."),
                    required("window", POSITIVE_DURATION, "How far back to look."),
                    optional("factor", NUMBER, "10", "A key is hot above this many times the mean rows per key (above 1)."),
                    optional("min-rows", COUNT, "1000", "... and with at least this many rows in the window."))
            .refuses("chunk-rows", "key skew reads the window's rows by the time column")
            .reads((owner, s) -> {
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
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IntegrityConfigException(at("window") + ": '" + window + "' must be a positive duration");
        }
        this.window = Optional.of(window);
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
        Duration w = window.orElseThrow(() -> new IntegrityConfigException(at("window") + ": is required (window(duration, timeColumn))"));
        return new KeySkewCheck(common, target(), table, key, timeColumn.orElseThrow(), w, factor, minRows, where);
    }
}
