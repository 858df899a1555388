package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityCheckBuilder;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Builds an {@code integrity.stuck-rows} check ({@link StuckRowsCheck}). */
public final class StuckRowsBuilder extends RowCheckBuilder<StuckRowsBuilder> implements IntegrityCheckBuilder.StuckRows {
    public static final KindSpec KIND = StuckRowsKind.TABLE.reads((owner, s) -> {
        var b = new StuckRowsBuilder(owner, s.get("table"));
        s.<String>opt("state-column").ifPresent(c -> b.state(c, s.names("states")));
        b.olderThan(s.get("older-than"), s.get("time-column"));
        s.optNames("key").ifPresent(b::key);
        return b;
    });

    private Optional<String> stateColumn = Optional.empty();
    private List<String> states = List.of();
    private Optional<String> timeColumn = Optional.empty();
    private Optional<Duration> olderThan = Optional.empty();

    public StuckRowsBuilder(Owner owner, String table) {
        super(owner, KIND, table);
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
        this.olderThan = Optional.of(notNegative("older-than", deadline));
        this.timeColumn = Optional.of(Ident.column(at("time-column"), timeColumn));
        return this;
    }

    @Override
    protected String defaultName() {
        return table + stateColumn.map(s -> "." + s).orElse("") + "." + timeColumn.orElse("");
    }

    @Override
    protected Check check(Check.Common common) {
        Duration d = required(olderThan, "older-than", "olderThan(deadline, timeColumn)");
        return new StuckRowsCheck(common, target(), table, stateColumn, states, timeColumn.orElseThrow(), d, key,
                where, chunkRows, rangeColumn);
    }
}
