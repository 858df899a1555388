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

/** Builds an {@code integrity.stuck-rows} check ({@link StuckRowsCheck}). */
public final class StuckRowsBuilder extends CheckBuilder<StuckRowsBuilder> implements IntegrityCheckBuilder.StuckRows {
    public static final KindSpec KIND = KindSpec.of("stuck-rows",
                    "rows in a state (or matching `where`) whose time column is older than a deadline",
                    Problem.DISTRIBUTED_TRANSACTION, Severity.WARNING)
            .finding("stuck row", "A worker or saga step stopped half way: look at the relay or "
                            + "compensation job, and at the first keys listed")
            .fields(required("table", TABLE, "The table."),
                    optional("state-column", COLUMN, "rows in any state",
                            "The column holding the row's state.").with("states"),
                    optional("states", VALUES, "", "The states a row must not stay in (compared as text, bound as values).")
                            .with("state-column"),
                    required("time-column", COLUMN, "The date or timestamp column the deadline is measured on."),
                    required("older-than", DURATION, "The deadline; `0s` means already past (for expiry times)."),
                    optional("key", COLUMNS, "the primary key", "The columns naming an offending row in the evidence."))
            .reads((owner, s) -> {
                var b = new StuckRowsBuilder(owner, s.get("table"));
                s.<String>opt("state-column").ifPresent(c -> b.state(c, s.names("states")));
                b.olderThan(s.get("older-than"), s.get("time-column"));
                s.optNames("key").ifPresent(b::key);
                return b;
            });

    private final Ident table;
    private Optional<String> stateColumn = Optional.empty();
    private List<String> states = List.of();
    private Optional<String> timeColumn = Optional.empty();
    private Optional<Duration> olderThan = Optional.empty();
    private List<String> key = List.of();

    public StuckRowsBuilder(Owner owner, String table) {
        super(owner, KIND);
        this.table = Ident.table(at("table"), table);
    }

    /** Rows whose {@code column} holds one of these states (values are bound, compared as text). */
    public StuckRowsBuilder state(String column, String... states) {
        this.stateColumn = Optional.of(Ident.column(at("state-column"), column));
        if (states == null || states.length == 0) {
            throw new IntegrityConfigException(at("states") + ": give at least one state");
        }
        this.states = List.of(states);
        return this;
    }

    /** ... whose {@code timeColumn} is older than {@code deadline} (0 means: already past, for expiry times). */
    public StuckRowsBuilder olderThan(Duration deadline, String timeColumn) {
        if (deadline == null || deadline.isNegative()) {
            throw new IntegrityConfigException(at("older-than") + ": '" + deadline + "' is negative");
        }
        this.olderThan = Optional.of(deadline);
        this.timeColumn = Optional.of(Ident.column(at("time-column"), timeColumn));
        return this;
    }

    public StuckRowsBuilder key(String... columns) {
        this.key = names(at("key"), columns);
        return this;
    }

    @Override
    protected String defaultName() {
        return table + stateColumn.map(s -> "." + s).orElse("") + "." + timeColumn.orElse("");
    }

    @Override
    protected Check check(Check.Common common) {
        Duration d = olderThan.orElseThrow(() -> new IntegrityConfigException(at("older-than") + ": is required (olderThan(deadline, timeColumn))"));
        return new StuckRowsCheck(common, target(), table, stateColumn, states, timeColumn.orElseThrow(), d, key,
                where, chunkRows, rangeColumn);
    }
}
