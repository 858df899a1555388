package dev.telltale.postgres.integrity.internal;

import java.util.List;
import java.util.Optional;

/** Every integrity kind, in the order the reference lists them. */
public final class IntegrityKinds {
    public static final List<KindSpec> ALL = List.of(NegativeValuesBuilder.KIND, CapacityOverflowBuilder.KIND,
            DuplicatesBuilder.KIND, OrphansBuilder.KIND, StuckRowsBuilder.KIND, ReconciliationBuilder.KIND,
            RowChecksumBuilder.KIND, InvariantBuilder.KIND, ReplicaDriftBuilder.KIND, RetentionBacklogBuilder.KIND,
            KeySkewBuilder.KIND, SequenceGapsBuilder.KIND);

    private IntegrityKinds() {
    }

    /** The kind whose YAML name is {@code name}. */
    public static Optional<KindSpec> byName(String name) {
        return ALL.stream().filter(k -> k.name().equals(name)).findFirst();
    }

    /** The kind whose detector id is {@code id}, {@code integrity.duplicates}. */
    public static Optional<KindSpec> byId(String id) {
        return ALL.stream().filter(k -> k.id().equals(id)).findFirst();
    }
}
