package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityCheckBuilder;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Builds an {@code integrity.replica-drift} check ({@link ReplicaDriftCheck}). */
public final class ReplicaDriftBuilder extends CheckBuilder<ReplicaDriftBuilder> implements IntegrityCheckBuilder.ReplicaDrift {
    public static final KindSpec KIND = ReplicaDriftKind.TABLE.reads((owner, s) -> {
        var b = new ReplicaDriftBuilder(owner, s.get("table"), s.get("replica"));
        s.<String>opt("key").ifPresent(b::key);
        s.optNames("columns").ifPresent(b::columns);
        s.<Duration>opt("settle").ifPresent(d -> b.settle(d, s.get("settle-column")));
        return b;
    });

    private final Ident table;
    private final PostgresTarget replica;
    private Optional<String> key = Optional.empty();
    private List<String> columns = List.of();
    private Optional<String> settleColumn = Optional.empty();
    private Duration settle = Duration.ZERO;

    public ReplicaDriftBuilder(Owner owner, String table, PostgresTarget replica) {
        super(owner, KIND);
        this.table = Ident.table(at("table"), table);
        this.replica = Objects.requireNonNull(replica, at("replica"));
    }

    /** The ordered, indexed key the ranges are cut on (default: the single-column primary key). */
    public ReplicaDriftBuilder key(String column) {
        this.key = Optional.of(Ident.column(at("key"), column));
        return this;
    }

    /** The columns compared (default: all columns of the primary's table). */
    public ReplicaDriftBuilder columns(String... columns) {
        this.columns = names(at("columns"), columns);
        return this;
    }

    /** Compare only rows whose {@code timeColumn} is older than {@code delay} (on the primary's clock). */
    public ReplicaDriftBuilder settle(Duration delay, String timeColumn) {
        if (delay == null || delay.isNegative()) {
            throw new IntegrityConfigException(at("settle") + ": '" + delay + "' is negative");
        }
        this.settle = delay;
        this.settleColumn = Optional.of(Ident.column(at("settle-column"), timeColumn));
        return this;
    }

    @Override
    public ReplicaDriftBuilder rangeColumn(String column) {
        return key(column);
    }

    @Override
    protected String defaultName() {
        return table + ":" + replica.name();
    }

    @Override
    protected Check check(Check.Common common) {
        return new ReplicaDriftCheck(common, target(), replica, table, key, columns, settleColumn, settle,
                chunkRows.getAsInt());
    }
}
