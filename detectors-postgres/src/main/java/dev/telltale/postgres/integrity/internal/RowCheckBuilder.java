package dev.telltale.postgres.integrity.internal;

import java.util.List;

/**
 * A check over one table whose findings name the offending rows by key columns: what those kinds share, the
 * table (the {@code table} setting) and the {@code key} columns. Without a key the check names rows by the
 * table's primary key (duplicates require it: it is what must be unique).
 */
public abstract class RowCheckBuilder<B extends RowCheckBuilder<B>> extends CheckBuilder<B> {
    protected final Ident table;
    protected List<String> key = List.of();

    protected RowCheckBuilder(Owner owner, KindSpec kind, String table) {
        super(owner, kind);
        this.table = Ident.table(at("table"), table);
    }

    /** The key columns of the kind (the evidence's row names, or for duplicates the columns that must be unique). */
    public B key(String... columns) {
        this.key = names(at("key"), columns);
        return self();
    }
}
