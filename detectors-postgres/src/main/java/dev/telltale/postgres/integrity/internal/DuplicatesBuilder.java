package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.integrity.IntegrityCheckBuilder;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static dev.telltale.postgres.integrity.internal.Field.optional;
import static dev.telltale.postgres.integrity.internal.Field.required;
import static dev.telltale.postgres.integrity.internal.FieldType.*;

/** Builds an {@code integrity.duplicates} check ({@link DuplicatesCheck}). */
public final class DuplicatesBuilder extends CheckBuilder<DuplicatesBuilder> implements IntegrityCheckBuilder.Duplicates {
    public static final KindSpec KIND = KindSpec.of("duplicates",
                    "more than one row per key (optionally among rows matching `where`), or two rows of a key within a time window",
                    Problem.DUPLICATE_EVENT_PROCESSING, Severity.WARNING)
            .finding("duplicate", "A retry or double submit created the row twice: add a unique constraint "
                            + "(partial on the status if needed) and an idempotency key checked in the same transaction")
            .fields(required("table", TABLE, "The table."),
                    required("key", COLUMNS, "The columns that must be unique (among the rows matching `where`)."),
                    optional("window", POSITIVE_DURATION, "any two rows of a key",
                            "Only rows of the same key whose `time-column` values are within this of each other.").with("time-column"),
                    optional("time-column", COLUMN, "", "The date or timestamp column `window` is measured on.").with("window"))
            .refuses("range-column", "duplicates are scanned in ranges of their first key column")
            .reads((owner, s) -> {
                var b = new DuplicatesBuilder(owner, s.get("table"));
                b.key(s.names("key"));
                s.<Duration>opt("window").ifPresent(w -> b.within(w, s.get("time-column")));
                return b;
            });

    private final Ident table;
    private List<String> key = List.of();
    private Optional<Duration> window = Optional.empty();
    private Optional<String> timeColumn = Optional.empty();

    public DuplicatesBuilder(Owner owner, String table) {
        super(owner, KIND);
        this.table = Ident.table(at("table"), table);
    }

    /** The columns that must be unique (among rows matching {@code where}). */
    public DuplicatesBuilder key(String... columns) {
        this.key = names(at("key"), columns);
        return this;
    }

    /** Report rows of the same key whose {@code timeColumn} values are within {@code window} of each other. */
    public DuplicatesBuilder within(Duration window, String timeColumn) {
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IntegrityConfigException(at("window") + ": '" + window + "' must be a positive duration");
        }
        this.window = Optional.of(window);
        this.timeColumn = Optional.of(Ident.column(at("time-column"), timeColumn));
        return this;
    }

    @Override
    protected String defaultName() {
        return table + "." + String.join(".", key);
    }

    @Override
    protected Check check(Check.Common common) {
        if (key.isEmpty()) {
            throw new IntegrityConfigException(at("key") + ": is required");
        }
        return new DuplicatesCheck(common, target(), table, key, where, window, timeColumn, chunkRows);
    }
}
