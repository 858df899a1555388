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

/** Builds an {@code integrity.sequence-gaps} check ({@link SequenceGapsCheck}). */
public final class SequenceGapsBuilder extends CheckBuilder<SequenceGapsBuilder> implements IntegrityCheckBuilder.SequenceGaps {
    public static final KindSpec KIND = KindSpec.of("sequence-gaps",
                    "per entity, in arrival order, a sequence number that jumps (gap) or does not go up (regression: always critical)",
                    Problem.MESSAGE_OUT_OF_ORDER, Severity.WARNING)
            .finding("sequence break", "Events were applied out of order (regression) or lost (gap): partition "
                            + "the consumer by entity, and check the sequence before applying")
            .fields(required("table", TABLE, "The table of applied events."),
                    required("entity", COLUMNS, "The columns naming the entity whose events are numbered; ranges are "
                            + "cut on the first."),
                    required("sequence", COLUMN, "The per-entity sequence number."),
                    optional("order-column", COLUMN, "the single-column primary key", "The arrival (application) order of the rows."))
            .refuses("range-column", "sequences are scanned in ranges of their first entity column")
            .reads((owner, s) -> {
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
        if (entity.isEmpty()) {
            throw new IntegrityConfigException(at("entity") + ": is required");
        }
        String seq = sequence.orElseThrow(() -> new IntegrityConfigException(at("sequence") + ": is required"));
        return new SequenceGapsCheck(common, target(), table, entity, seq, orderColumn, where, chunkRows);
    }
}
