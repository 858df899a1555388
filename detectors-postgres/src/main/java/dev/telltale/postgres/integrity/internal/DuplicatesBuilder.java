package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityCheckBuilder;

import java.time.Duration;
import java.util.Optional;

/** Builds an {@code integrity.duplicates} check ({@link DuplicatesCheck}). */
public final class DuplicatesBuilder extends RowCheckBuilder<DuplicatesBuilder> implements IntegrityCheckBuilder.Duplicates {
    public static final KindSpec KIND = DuplicatesKind.TABLE.reads((owner, s) -> {
        var b = new DuplicatesBuilder(owner, s.get("table"));
        b.key(s.names("key"));
        s.<Duration>opt("window").ifPresent(w -> b.within(w, s.get("time-column")));
        return b;
    });

    private Optional<Duration> window = Optional.empty();
    private Optional<String> timeColumn = Optional.empty();

    public DuplicatesBuilder(Owner owner, String table) {
        super(owner, KIND, table);
    }

    /** Report rows of the same key whose {@code timeColumn} values are within {@code window} of each other. */
    public DuplicatesBuilder within(Duration window, String timeColumn) {
        this.window = Optional.of(positive("window", window));
        this.timeColumn = Optional.of(Ident.column(at("time-column"), timeColumn));
        return this;
    }

    @Override
    protected String defaultName() {
        return table + "." + String.join(".", key);
    }

    @Override
    protected Check check(Check.Common common) {
        return new DuplicatesCheck(common, target(), table, required(key, "key"), where, window, timeColumn, chunkRows);
    }
}
