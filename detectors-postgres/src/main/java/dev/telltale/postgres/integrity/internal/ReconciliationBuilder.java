package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.integrity.IntegrityCheckBuilder;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

import static dev.telltale.postgres.integrity.internal.Field.optional;
import static dev.telltale.postgres.integrity.internal.Field.required;
import static dev.telltale.postgres.integrity.internal.FieldType.*;

/** Builds an {@code integrity.reconciliation} check ({@link ReconciliationCheck}). */
public final class ReconciliationBuilder extends CheckBuilder<ReconciliationBuilder> implements IntegrityCheckBuilder.Reconciliation {
    private static final Field[] SIDE = {
            required("table", TABLE, "The side's table."),
            required("key", COLUMN, "The column the side is grouped by."),
            optional("column", COLUMN, "`count(*)`", "The column summed per key (a stored counter is its own sum)."),
            optional("where", CONDITION, "all rows", "Only the side's rows matching this condition.")};

    public static final KindSpec KIND = KindSpec.of("reconciliation",
                    "per key, `sum(column)` or `count(*)` of side A differs from side B (a missing key counts 0)",
                    Problem.COUNTER_RACE, Severity.WARNING)
            .finding("mismatched key", "A counter updated read-modify-write loses increments: use "
                            + "update ... set n = n + 1, or recompute it from the children")
            .fields(required("name", NAME, "The check's name (the `check` tag)."),
                    Field.map("a", "Side A: a map of `table`, `key` and optionally `column` and `where`.", SIDE),
                    Field.map("b", "Side B, the same shape as side A.", SIDE),
                    optional("tolerance", NUMBER, "0", "The largest difference per key still accepted."))
            .refuses("where", "give each side its own where")
            .refuses("chunk-rows", "a reconciliation scans both sides whole")
            .reads((owner, s) -> {
                var b = new ReconciliationBuilder(owner, s.get("name"));
                for (String side : List.of("a", "b")) {
                    ConfigMap m = s.get(side);
                    b.side(m.get("table"), m.get("key"), m.opt("column"), m.opt("where"));
                }
                s.<BigDecimal>opt("tolerance").ifPresent(b::tolerance);
                return b;
            });

    private final String label;
    private Optional<ReconciliationCheck.Side> a = Optional.empty();
    private Optional<ReconciliationCheck.Side> b = Optional.empty();
    private BigDecimal tolerance = BigDecimal.ZERO;

    public ReconciliationBuilder(Owner owner, String name) {
        super(owner, KIND);
        this.label = name;
        name(name);
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
    protected String defaultName() {
        return label;
    }

    @Override
    protected Check check(Check.Common common) {
        if (b.isEmpty()) {
            throw new IntegrityConfigException(at("sides") + ": give two sides (sum(..) or count(..), twice)");
        }
        return new ReconciliationCheck(common, target(), a.orElseThrow(), b.orElseThrow(), tolerance);
    }
}
