package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code integrity.sequence-gaps}: per entity, the sequence numbers of its rows taken in arrival order (the
 * order column, by default the primary key) must go up by one. A jump is a gap (an event lost or not yet
 * applied: the check's severity); a number not above the previous one is a regression (applied out of order
 * or twice: always critical). Ranged scans cut on the first entity column, so an entity never straddles.
 */
public final class SequenceGapsCheck extends ScanCheck {
    private final List<String> entity;
    private final String sequence;
    private final Optional<String> orderColumn;

    public SequenceGapsCheck(Common common, PostgresTarget target, Ident table, List<String> entity, String sequence,
                             Optional<String> orderColumn, Optional<String> where, OptionalInt chunkRows) {
        super(common, target, table, where, chunkRows, Optional.of(entity.get(0)));
        this.entity = List.copyOf(entity);
        this.sequence = sequence;
        this.orderColumn = orderColumn;
    }

    @Override
    public String subject() {
        return table + "." + sequence + " per " + String.join(", ", entity);
    }

    @Override
    protected boolean marksCritical() {
        return true;
    }

    @Override
    protected String sampleOrder() {
        return "v.critical desc, v.key";
    }

    @Override
    protected String violationsSql(TableInfo info, String range, ReadOnlyTx tx) {
        entity.forEach(e -> info.column(what("entity"), e));
        TableInfo.Column seq = info.column(what("sequence"), sequence);
        if (!seq.numeric()) {
            throw new IntegrityConfigException(what("sequence") + ": column '" + sequence + "' is " + seq.type() + ", not a number");
        }
        String order = orderColumn.orElseGet(() -> {
            if (info.primaryKey().size() != 1) {
                throw new IntegrityConfigException(what("order-column") + ": table '" + table + "' has no single-column "
                        + "primary key; name the column giving the arrival order");
            }
            return info.primaryKey().get(0);
        });
        info.column(what("order-column"), order);
        String sq = "t." + Ident.quote(sequence);
        return "select x.e || ': ' || x.seq::text || ' after ' || x.prev::text"
                + " || case when x.seq <= x.prev then ' (regression)' else ' (gap)' end as key, x.seq <= x.prev as critical"
                + " from (select " + keyText("t", entity) + " as e, " + sq + " as seq, lag(" + sq + ") over (partition by "
                + columnList("t", entity) + " order by t." + Ident.quote(order) + ") as prev from " + table.quoted()
                + " t where " + range + andWhere() + ") x where x.prev is not null and x.seq <> x.prev + 1";
    }
}
