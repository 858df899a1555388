package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityCheckBuilder;

import java.util.List;
import java.util.Optional;

/** Builds an {@code integrity.capacity-overflow} check ({@link CapacityOverflowCheck}). */
public final class CapacityOverflowBuilder extends CheckBuilder<CapacityOverflowBuilder> implements IntegrityCheckBuilder.CapacityOverflow {
    public static final KindSpec KIND = CapacityOverflowKind.TABLE.reads((owner, s) -> {
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
        Ident c = required(child, "child", "children(table, column)");
        return new CapacityOverflowCheck(common, target(), parent, capacity, parentKey, c, childKey.orElseThrow(),
                quantity, where, chunkRows, rangeColumn);
    }
}
