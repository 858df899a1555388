package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityCheckBuilder;

import java.util.List;
import java.util.Optional;

/** Builds an {@code integrity.sequence-gaps} check ({@link SequenceGapsCheck}). */
public final class SequenceGapsBuilder extends CheckBuilder<SequenceGapsBuilder> implements IntegrityCheckBuilder.SequenceGaps {
    public static final KindSpec KIND = SequenceGapsKind.TABLE.reads((owner, s) -> {
        var b = new SequenceGapsBuilder(owner, s.get("table"));
        b.entity(s.names("entity"));
        b.sequence(s.get("sequence"));
        s.<String>opt("order-column").ifPresent(b::orderColumn);
        return b;
    });

    private final Ident table;
    private List<String> entity = List.of();
    private Optional<String> sequence = Optional.empty();
    private Optional<String> orderColumn = Optional.empty();

    public SequenceGapsBuilder(Owner owner, String table) {
        super(owner, KIND);
        this.table = Ident.table(at("table"), table);
    }

    /** The columns naming the entity whose events are numbered. */
    public SequenceGapsBuilder entity(String... columns) {
        this.entity = names(at("entity"), columns);
        return this;
    }

    /** The per-entity sequence number. */
    public SequenceGapsBuilder sequence(String column) {
        this.sequence = Optional.of(Ident.column(at("sequence"), column));
        return this;
    }

    /** The arrival (application) order of the rows (default: the single-column primary key). */
    public SequenceGapsBuilder orderColumn(String column) {
        this.orderColumn = Optional.of(Ident.column(at("order-column"), column));
        return this;
    }

    @Override
    protected String defaultName() {
        return table + "." + sequence.orElse("");
    }

    @Override
    protected Check check(Check.Common common) {
        List<String> e = required(entity, "entity");
        String seq = required(sequence, "sequence", "");
        return new SequenceGapsCheck(common, target(), table, e, seq, orderColumn, where, chunkRows);
    }
}
