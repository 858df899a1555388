package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityCheckBuilder;

import java.util.List;
import java.util.Optional;

/** Builds an {@code integrity.orphans} check ({@link OrphansCheck}). */
public final class OrphansBuilder extends RowCheckBuilder<OrphansBuilder> implements IntegrityCheckBuilder.Orphans {
    public static final KindSpec KIND = OrphansKind.TABLE.reads((owner, s) -> {
        var b = new OrphansBuilder(owner, s.get("table"));
        b.references(s.get("parent"), s.names("references"));
        s.optNames("parent-key").ifPresent(b::parentKey);
        s.optNames("key").ifPresent(b::key);
        return b;
    });

    private List<String> references = List.of();
    private Optional<Ident> parent = Optional.empty();
    private List<String> parentColumns = List.of();

    public OrphansBuilder(Owner owner, String child) {
        super(owner, KIND, child);
    }

    /** The child's columns referring to the parent, the parent table, and (optionally) the parent's columns. */
    public OrphansBuilder references(String parentTable, String... childColumns) {
        this.parent = Optional.of(Ident.table(at("parent"), parentTable));
        this.references = names(at("references"), childColumns);
        return this;
    }

    /** The parent columns referred to (default: the parent's primary key). */
    public OrphansBuilder parentKey(String... columns) {
        this.parentColumns = names(at("parent-key"), columns);
        return this;
    }

    @Override
    protected String defaultName() {
        return table + "." + String.join(".", references);
    }

    @Override
    protected Check check(Check.Common common) {
        Ident p = required(parent, "parent", "references(parent, columns..)");
        return new OrphansCheck(common, target(), table, references, p, parentColumns, key, where, chunkRows, rangeColumn);
    }
}
