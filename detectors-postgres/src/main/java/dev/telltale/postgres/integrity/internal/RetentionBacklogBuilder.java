package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityCheckBuilder;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Builds an {@code integrity.retention-backlog} check: a {@link StuckRowsCheck} without states, the time
 * column older than the retention.
 */
public final class RetentionBacklogBuilder extends RowCheckBuilder<RetentionBacklogBuilder> implements IntegrityCheckBuilder.RetentionBacklog {
    public static final KindSpec KIND = RetentionBacklogKind.TABLE.reads((owner, s) -> {
        var b = new RetentionBacklogBuilder(owner, s.get("table"));
        b.olderThan(s.get("retention"), s.get("time-column"));
        s.optNames("key").ifPresent(b::key);
        return b;
    });

    private Optional<String> timeColumn = Optional.empty();
    private Optional<Duration> retention = Optional.empty();

    public RetentionBacklogBuilder(Owner owner, String table) {
        super(owner, KIND, table);
    }

    /** Rows whose {@code timeColumn} is older than {@code retention} (with {@code where}: only those rows). */
    public RetentionBacklogBuilder olderThan(Duration retention, String timeColumn) {
        this.retention = Optional.of(notNegative("retention", retention));
        this.timeColumn = Optional.of(Ident.column(at("time-column"), timeColumn));
        return this;
    }

    @Override
    protected String defaultName() {
        return table + "." + timeColumn.orElse("");
    }

    @Override
    protected Check check(Check.Common common) {
        Duration d = required(retention, "retention", "olderThan(retention, timeColumn)");
        return new StuckRowsCheck(common, target(), table, Optional.empty(), List.of(), timeColumn.orElseThrow(), d,
                key, where, chunkRows, rangeColumn);
    }
}
