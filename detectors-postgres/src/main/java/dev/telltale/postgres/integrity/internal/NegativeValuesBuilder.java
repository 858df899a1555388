package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.integrity.IntegrityCheckBuilder;

import java.util.List;

import static dev.telltale.postgres.integrity.internal.Field.optional;
import static dev.telltale.postgres.integrity.internal.Field.required;
import static dev.telltale.postgres.integrity.internal.FieldType.*;

/** Builds an {@code integrity.negative-values} check ({@link NegativeValuesCheck}). */
public final class NegativeValuesBuilder extends CheckBuilder<NegativeValuesBuilder> implements IntegrityCheckBuilder.NegativeValues {
    public static final KindSpec KIND = KindSpec.of("negative-values", "a column below zero (stock, balance, seats left)",
                    Problem.RACE_CONDITION_INVENTORY, Severity.CRITICAL)
            .finding("negative value", "A read-then-write without a lock lets two buyers take the last item: "
                            + "decrement atomically (update ... set stock = stock - 1 where stock > 0) or add a check constraint")
            .fields(required("table", TABLE, "The table."),
                    required("column", COLUMN, "The numeric column that must never go below zero."),
                    optional("key", COLUMNS, "the primary key", "The columns naming an offending row in the evidence."))
            .reads((owner, s) -> {
                var b = new NegativeValuesBuilder(owner, s.get("table"), s.get("column"));
                s.optNames("key").ifPresent(b::key);
                return b;
            });

    private final Ident table;
    private final String column;
    private List<String> key = List.of();

    public NegativeValuesBuilder(Owner owner, String table, String column) {
        super(owner, KIND);
        this.table = Ident.table(at("table"), table);
        this.column = Ident.column(at("column"), column);
    }

    /** The columns that name an offending row in the evidence (default: the primary key). */
    public NegativeValuesBuilder key(String... columns) {
        this.key = names(at("key"), columns);
        return this;
    }

    @Override
    protected String defaultName() {
        return table + "." + column;
    }

    @Override
    protected Check check(Check.Common common) {
        return new NegativeValuesCheck(common, target(), table, column, key, where, chunkRows, rangeColumn);
    }
}
