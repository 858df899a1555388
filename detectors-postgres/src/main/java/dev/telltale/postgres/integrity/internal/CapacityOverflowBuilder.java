package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.integrity.IntegrityCheckBuilder;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.util.List;
import java.util.Optional;

import static dev.telltale.postgres.integrity.internal.Field.optional;
import static dev.telltale.postgres.integrity.internal.Field.required;
import static dev.telltale.postgres.integrity.internal.FieldType.*;

/** Builds an {@code integrity.capacity-overflow} check ({@link CapacityOverflowCheck}). */
public final class CapacityOverflowBuilder extends CheckBuilder<CapacityOverflowBuilder> implements IntegrityCheckBuilder.CapacityOverflow {
    public static final KindSpec KIND = KindSpec.of("capacity-overflow",
                    "children's quantities (or count) above the parent's capacity", Problem.DOUBLE_BOOKING, Severity.CRITICAL)
            .finding("over-capacity parent", "Concurrent bookings each saw room left: lock the parent row "
                            + "(select ... for update) or use an exclusion/unique constraint per slot")
            .fields(required("table", TABLE, "The parent table."),
                    required("capacity", COLUMN, "The parent's numeric column holding its capacity."),
                    optional("parent-key", COLUMN, "the parent's primary key (one column)",
                            "The parent column the children refer to."),
                    required("child", TABLE, "The child table."),
                    required("child-key", COLUMN, "The child's column referring to the parent."),
                    optional("quantity", COLUMN, "each child row counts 1", "The child's numeric column summed per parent."))
            .reads((owner, s) -> {
                var b = new CapacityOverflowBuilder(owner, s.get("table"), s.get("capacity"));
                b.children(s.get("child"), s.get("child-key"));
                s.<String>opt("quantity").ifPresent(b::quantity);
                s.<String>opt("parent-key").ifPresent(b::parentKey);
                return b;
            });

    private final Ident parent;
    private final String capacity;
    private List<String> parentKey = List.of();
    private Optional<Ident> child = Optional.empty();
    private Optional<String> childKey = Optional.empty();
    private Optional<String> quantity = Optional.empty();

    public CapacityOverflowBuilder(Owner owner, String parent, String capacity) {
        super(owner, KIND);
        this.parent = Ident.table(at("table"), parent);
        this.capacity = Ident.column(at("capacity"), capacity);
    }

    /** The child table and its column referring to the parent. */
    public CapacityOverflowBuilder children(String childTable, String referenceColumn) {
        this.child = Optional.of(Ident.table(at("child"), childTable));
        this.childKey = Optional.of(Ident.column(at("child-key"), referenceColumn));
        return this;
    }

    /** The child column summed (default: each child row counts 1). */
    public CapacityOverflowBuilder quantity(String column) {
        this.quantity = Optional.of(Ident.column(at("quantity"), column));
        return this;
    }

    /** The parent column the children refer to (default: the parent's primary key). */
    public CapacityOverflowBuilder parentKey(String column) {
        this.parentKey = List.of(Ident.column(at("parent-key"), column));
        return this;
    }

    @Override
    protected String defaultName() {
        return parent + "." + capacity;
    }

    @Override
    protected Check check(Check.Common common) {
        Ident c = child.orElseThrow(() -> new IntegrityConfigException(at("child") + ": is required (children(table, column))"));
        return new CapacityOverflowCheck(common, target(), parent, capacity, parentKey, c, childKey.orElseThrow(),
                quantity, where, chunkRows, rangeColumn);
    }
}
