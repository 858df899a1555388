package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code integrity.negative-values}: a column that must never go below zero (stock, balance, seats left) did. */
public final class NegativeValuesCheck extends ScanCheck {
    private final String column;
    private final List<String> key;

    public NegativeValuesCheck(Common common, PostgresTarget target, Ident table, String column, List<String> key,
                               Optional<String> where, OptionalInt chunkRows, Optional<String> rangeColumn) {
        super(common, target, table, where, chunkRows, rangeColumn);
        this.column = column;
        this.key = List.copyOf(key);
    }

    @Override
    public String subject() {
        return table + "." + column;
    }

    @Override
    protected String violationsSql(TableInfo info, String range, ReadOnlyTx tx) {
        TableInfo.Column c = info.column(what("column"), column);
        if (!c.numeric()) {
            throw new IntegrityConfigException(what("column") + ": column '" + column + "' of '" + table + "' is "
                    + c.type() + ", not a number");
        }
        List<String> k = info.keyOrPrimary(what("key"), key);
        String col = "t." + Ident.quote(column);
        return "select " + keyText("t", k) + " || ' " + column + "=' || " + col + "::text as key from " + table.quoted()
                + " t where " + col + " < 0 and " + range + andWhere();
    }
}
