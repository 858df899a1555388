package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code integrity.orphans}: child rows whose parent row is missing (an anti-join), for relations with or
 * without a foreign key. Rows with a null reference are not orphans.
 */
public final class OrphansCheck extends ScanCheck {
    private final List<String> references;
    private final Ident parent;
    private final List<String> parentColumns;
    private final List<String> childKey;

    public OrphansCheck(Common common, PostgresTarget target, Ident child, List<String> references, Ident parent,
                        List<String> parentColumns, List<String> childKey, Optional<String> where,
                        OptionalInt chunkRows, Optional<String> rangeColumn) {
        super(common, target, child, where, chunkRows, rangeColumn);
        this.references = List.copyOf(references);
        this.parent = parent;
        this.parentColumns = List.copyOf(parentColumns);
        this.childKey = List.copyOf(childKey);
    }

    @Override
    public String subject() {
        return table + "(" + String.join(", ", references) + ") -> " + parent;
    }

    @Override
    protected String violationsSql(TableInfo info, String range, ReadOnlyTx tx) {
        references.forEach(r -> info.column(what("references"), r));
        List<String> ck = info.keyOrPrimary(what("key"), childKey);
        TableInfo pi = TableInfo.read(tx, what("parent"), parent);
        List<String> pc = pi.keyOrPrimary(what("parent-key"), parentColumns);
        if (pc.size() != references.size()) {
            throw new IntegrityConfigException(what("references") + ": " + references.size() + " column(s) " + references
                    + " cannot match the " + pc.size() + " parent key column(s) " + pc);
        }
        StringBuilder notNull = new StringBuilder();
        StringBuilder join = new StringBuilder();
        for (int i = 0; i < pc.size(); i++) {
            notNull.append(" and t.").append(Ident.quote(references.get(i))).append(" is not null");
            join.append(i == 0 ? "" : " and ").append("p.").append(Ident.quote(pc.get(i))).append(" = t.")
                    .append(Ident.quote(references.get(i)));
        }
        return "select " + keyText("t", ck) + " || ' -> ' || " + keyText("t", references) + " as key from "
                + table.quoted() + " t where " + range + notNull + andWhere() + " and not exists (select 1 from "
                + parent.quoted() + " p where " + join + ")";
    }
}
