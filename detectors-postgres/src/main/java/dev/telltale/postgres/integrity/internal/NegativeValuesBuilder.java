package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityCheckBuilder;


/** Builds an {@code integrity.negative-values} check ({@link NegativeValuesCheck}). */
public final class NegativeValuesBuilder extends RowCheckBuilder<NegativeValuesBuilder> implements IntegrityCheckBuilder.NegativeValues {
    public static final KindSpec KIND = NegativeValuesKind.TABLE.reads((owner, s) -> {
        var b = new NegativeValuesBuilder(owner, s.get("table"), s.get("column"));
        s.optNames("key").ifPresent(b::key);
        return b;
    });

    private final String column;

    public NegativeValuesBuilder(Owner owner, String table, String column) {
        super(owner, KIND, table);
        this.column = Ident.column(at("column"), column);
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
