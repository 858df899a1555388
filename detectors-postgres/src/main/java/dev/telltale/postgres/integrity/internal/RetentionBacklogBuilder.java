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

/**
 * Builds an {@code integrity.retention-backlog} check: a {@link StuckRowsCheck} without states, the time
 * column older than the retention.
 */
public final class RetentionBacklogBuilder extends CheckBuilder<RetentionBacklogBuilder> implements IntegrityCheckBuilder.RetentionBacklog {
    public static final KindSpec KIND = KindSpec.of("retention-backlog",
                    "rows (matching `where`) whose time column is older than the retention",
                    Problem.STORAGE_BLOAT, Severity.WARNING)
            .finding("row past retention", "The purge job is behind or stopped: check it, and delete in "
                            + "batches by the time column (index it)")
            .fields(required("table", TABLE, "The table."),
                    required("time-column", COLUMN, "The date or timestamp column the retention is measured on."),
                    required("retention", DURATION, "How long a row may stay."),
                    optional("key", COLUMNS, "the primary key", "The columns naming an offending row in the evidence."))
            .reads((owner, s) -> {
                var b = new RetentionBacklogBuilder(owner, s.get("table"));
                b.olderThan(s.get("retention"), s.get("time-column"));
                s.optNames("key").ifPresent(b::key);
                return b;
            });

    private final Ident table;
    private Optional<String> timeColumn = Optional.empty();
    private Optional<Duration> retention = Optional.empty();
    private List<String> key = List.of();

    public RetentionBacklogBuilder(Owner owner, String table) {
        super(owner, KIND);
        this.table = Ident.table(at("table"), table);
    }

    /** Rows whose {@code timeColumn} is older than {@code retention} (with {@code where}: only those rows). */
    public RetentionBacklogBuilder olderThan(Duration retention, String timeColumn) {
        if (retention == null || retention.isNegative()) {
            throw new IntegrityConfigException(at("retention") + ": '" + retention + "' is negative");
        }
        this.retention = Optional.of(retention);
        this.timeColumn = Optional.of(Ident.column(at("time-column"), timeColumn));
        return this;
    }

    public RetentionBacklogBuilder key(String... columns) {
        this.key = names(at("key"), columns);
        return this;
    }

    @Override
    protected String defaultName() {
        return table + "." + timeColumn.orElse("");
    }

    @Override
    protected Check check(Check.Common common) {
        Duration d = retention.orElseThrow(() -> new IntegrityConfigException(at("retention") + ": is required (olderThan(retention, timeColumn))"));
        return new StuckRowsCheck(common, target(), table, Optional.empty(), List.of(), timeColumn.orElseThrow(), d,
                key, where, chunkRows, rangeColumn);
    }
}
