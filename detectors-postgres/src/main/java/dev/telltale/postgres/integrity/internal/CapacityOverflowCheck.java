package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code integrity.capacity-overflow}: the children of a parent use more than the parent holds (seats booked
 * above a show's capacity, fills above an order's quantity). Children are summed per parent with a lateral
 * subquery, so a ranged scan over parents touches only their children (index the foreign key).
 * The {@code where} condition filters the children (for example {@code status = 'confirmed'}).
 */
public final class CapacityOverflowCheck extends ScanCheck {
    private final String capacity;
    private final List<String> parentKey;
    private final Ident child;
    private final String childFk;
    private final Optional<String> quantity;

    public CapacityOverflowCheck(Common common, PostgresTarget target, Ident parent, String capacity,
                                 List<String> parentKey, Ident child, String childFk, Optional<String> quantity,
                                 Optional<String> childWhere, OptionalInt chunkRows, Optional<String> rangeColumn) {
        super(common, target, parent, childWhere, chunkRows, rangeColumn);
        this.capacity = capacity;
        this.parentKey = List.copyOf(parentKey);
        this.child = child;
        this.childFk = childFk;
        this.quantity = quantity;
    }

    @Override
    public String subject() {
        return child + "." + quantity.orElse("count(*)") + " vs " + table + "." + capacity;
    }

    @Override
    protected String violationsSql(TableInfo info, String range, ReadOnlyTx tx) {
        TableInfo.Column cap = info.column(what("capacity"), capacity);
        if (!cap.numeric()) {
            throw new IntegrityConfigException(what("capacity") + ": column '" + capacity + "' is " + cap.type() + ", not a number");
        }
        List<String> pk = info.keyOrPrimary(what("parent-key"), parentKey);
        if (pk.size() != 1) {
            throw new IntegrityConfigException(what("parent-key") + ": give one parent key column (table '" + table
                    + "' has " + pk + ")");
        }
        TableInfo ci = TableInfo.read(tx, what("child"), child);
        ci.column(what("child-key"), childFk);
        String used = quantity.map(q -> {
            TableInfo.Column qc = ci.column(what("quantity"), q);
            if (!qc.numeric()) {
                throw new IntegrityConfigException(what("quantity") + ": column '" + q + "' is " + qc.type() + ", not a number");
            }
            return "coalesce(sum(c." + Ident.quote(q) + "), 0)";
        }).orElse("count(*)");
        String pkq = "t." + Ident.quote(pk.get(0));
        String capq = "t." + Ident.quote(capacity);
        return "select " + pkq + "::text || ': ' || u.used::text || ' > " + capacity + " ' || " + capq + "::text as key from "
                + table.quoted() + " t cross join lateral (select " + used + " as used from " + child.quoted()
                + " c where c." + Ident.quote(childFk) + " = " + pkq + andWhere() + ") u where u.used > " + capq
                + " and " + range;
    }
}
