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

/** Builds an {@code integrity.orphans} check ({@link OrphansCheck}). */
public final class OrphansBuilder extends CheckBuilder<OrphansBuilder> implements IntegrityCheckBuilder.Orphans {
    public static final KindSpec KIND = KindSpec.of("orphans",
                    "child rows whose parent row is missing (with or without a foreign key; null references are not orphans)",
                    Problem.ORPHANED_RECORDS, Severity.WARNING)
            .finding("orphaned row", "A parent was deleted without its children: add a foreign key (on delete "
                            + "cascade or restrict) or delete both in one transaction")
            .criticalAbove(1000)
            .fields(required("table", TABLE, "The child table."),
                    required("references", COLUMNS, "The child's columns referring to the parent."),
                    required("parent", TABLE, "The parent table."),
                    optional("parent-key", COLUMNS, "the parent's primary key", "The parent columns referred to."),
                    optional("key", COLUMNS, "the child's primary key", "The columns naming a child row in the evidence."))
            .reads((owner, s) -> {
                var b = new OrphansBuilder(owner, s.get("table"));
                b.references(s.get("parent"), s.names("references"));
                s.optNames("parent-key").ifPresent(b::parentKey);
                s.optNames("key").ifPresent(b::key);
                return b;
            });

    private final Ident child;
    private List<String> references = List.of();
    private Optional<Ident> parent = Optional.empty();
    private List<String> parentColumns = List.of();
    private List<String> key = List.of();

    public OrphansBuilder(Owner owner, String child) {
        super(owner, KIND);
        this.child = Ident.table(at("table"), child);
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

    /** The columns naming a child row in the evidence (default: the child's primary key). */
    public OrphansBuilder key(String... columns) {
        this.key = names(at("key"), columns);
        return this;
    }

    @Override
    protected String defaultName() {
        return child + "." + String.join(".", references);
    }

    @Override
    protected Check check(Check.Common common) {
        Ident p = parent.orElseThrow(() -> new IntegrityConfigException(at("parent") + ": is required (references(parent, columns..))"));
        return new OrphansCheck(common, target(), child, references, p, parentColumns, key, where, chunkRows, rangeColumn);
    }
}
