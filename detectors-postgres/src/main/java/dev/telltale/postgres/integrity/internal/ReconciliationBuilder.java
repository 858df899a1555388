package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityCheckBuilder;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/** Builds an {@code integrity.reconciliation} check ({@link ReconciliationCheck}). */
public final class ReconciliationBuilder extends NamedCheckBuilder<ReconciliationBuilder> implements IntegrityCheckBuilder.Reconciliation {
    public static final KindSpec KIND = ReconciliationKind.TABLE.reads((owner, s) -> {
        var b = new ReconciliationBuilder(owner, s.get("name"));
        for (String side : List.of("a", "b")) {
            ConfigMap m = s.get(side);
            b.side(m.get("table"), m.get("key"), m.opt("column"), m.opt("where"));
        }
        s.<BigDecimal>opt("tolerance").ifPresent(b::tolerance);
        return b;
    });

    private Optional<ReconciliationCheck.Side> a = Optional.empty();
    private Optional<ReconciliationCheck.Side> b = Optional.empty();
    private BigDecimal tolerance = BigDecimal.ZERO;

    public ReconciliationBuilder(Owner owner, String name) {
        super(owner, KIND, name);
    }

    /** Side A: {@code sum(column)} of {@code table} per {@code key} (a stored counter is its own sum). */
    public ReconciliationBuilder sum(String table, String key, String column) {
        return side(table, key, Optional.of(column), Optional.empty());
    }

    /** The next side: {@code count(*)} of {@code table} per {@code key}. */
    public ReconciliationBuilder count(String table, String key) {
        return side(table, key, Optional.empty(), Optional.empty());
    }

    /** The next side with a filter on its rows. */
    public ReconciliationBuilder side(String table, String key, Optional<String> sumColumn, Optional<String> where) {
        String s = a.isEmpty() ? "a" : "b";
        if (b.isPresent()) {
            throw new IntegrityConfigException(at("sides") + ": a reconciliation compares two sides, not three");
        }
        ReconciliationCheck.Side side = new ReconciliationCheck.Side(Ident.table(at(s + ".table"), table),
                Ident.column(at(s + ".key"), key), sumColumn.map(c -> Ident.column(at(s + ".column"), c)),
                where.map(w -> SqlFragment.where(at(s + ".where"), w)));
        if (a.isEmpty()) {
            a = Optional.of(side);
        } else {
            b = Optional.of(side);
        }
        return this;
    }

    /** The largest difference still accepted (default 0). */
    public ReconciliationBuilder tolerance(BigDecimal tolerance) {
        if (tolerance == null || tolerance.signum() < 0) {
            throw new IntegrityConfigException(at("tolerance") + ": '" + tolerance + "' is negative");
        }
        this.tolerance = tolerance;
        return this;
    }

    @Override
    protected Check check(Check.Common common) {
        if (b.isEmpty()) {
            throw new IntegrityConfigException(at("sides") + ": give two sides (sum(..) or count(..), twice)");
        }
        return new ReconciliationCheck(common, target(), a.orElseThrow(), b.orElseThrow(), tolerance);
    }
}
