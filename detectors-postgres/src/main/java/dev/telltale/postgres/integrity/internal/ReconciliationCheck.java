package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code integrity.reconciliation}: an aggregate on one side differs from an aggregate on the other, per key
 * (a stored counter vs the count of children, a balance vs the sum of ledger entries, order totals vs
 * charges). A key missing on one side counts as 0 there. Scans the whole of both sides in one statement.
 */
public final class ReconciliationCheck extends ScanCheck {
    /**
     * One side: {@code sum(column)} (a stored value is the sum over its one row) or {@code count(*)} when
     * {@code column} is empty, grouped by {@code key}, over the rows matching {@code where}.
     */
    public record Side(Ident table, String key, Optional<String> column, Optional<String> where) {
    }

    private final Side a;
    private final Side b;
    private final BigDecimal tolerance;

    public ReconciliationCheck(Common common, PostgresTarget target, Side a, Side b, BigDecimal tolerance) {
        super(common, target, a.table(), Optional.empty(), OptionalInt.empty(), Optional.empty());
        this.a = a;
        this.b = b;
        this.tolerance = tolerance;
    }

    @Override
    public String subject() {
        return describe(a) + " vs " + describe(b);
    }

    private static String describe(Side s) {
        return s.table() + "." + s.column().map(c -> "sum(" + c + ")").orElse("count(*)") + " by " + s.key();
    }

    @Override
    protected Map<String, String> fragments() {
        Map<String, String> f = new java.util.LinkedHashMap<>();
        a.where().ifPresent(w -> f.put("a.where", w));
        b.where().ifPresent(w -> f.put("b.where", w));
        return f;
    }

    @Override
    protected Map<String, Object> params() {
        return Map.of("tolerance", tolerance);
    }

    @Override
    protected String violationsSql(TableInfo info, String range, ReadOnlyTx tx) {
        String sa = side(info, a, "a", tx);
        String sb = side(TableInfo.read(tx, what("b.table"), b.table()), b, "b", tx);
        return "select coalesce(a.k, b.k)::text || ': ' || coalesce(a.v, 0)::text || ' vs ' || coalesce(b.v, 0)::text as key"
                + " from (" + sa + ") a full join (" + sb + ") b on a.k = b.k"
                + " where abs(coalesce(a.v, 0) - coalesce(b.v, 0)) > :tolerance";
    }

    private String side(TableInfo info, Side s, String name, ReadOnlyTx tx) {
        info.column(what(name + ".key"), s.key());
        String v = s.column().map(c -> {
            TableInfo.Column col = info.column(what(name + ".column"), c);
            if (!col.numeric()) {
                throw new IntegrityConfigException(what(name + ".column") + ": column '" + c + "' is " + col.type() + ", not a number");
            }
            return "sum(t." + Ident.quote(c) + ")::numeric";
        }).orElse("count(*)::numeric");
        return "select t." + Ident.quote(s.key()) + " as k, " + v + " as v from " + s.table().quoted() + " t where true"
                + s.where().map(w -> " and (" + w + ")").orElse("") + " group by t." + Ident.quote(s.key());
    }
}
