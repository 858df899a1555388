package dev.telltale.postgres.integrity;

import dev.telltale.core.Detector;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.internal.CapacityOverflowBuilder;
import dev.telltale.postgres.integrity.internal.Check;
import dev.telltale.postgres.integrity.internal.CheckBuilder;
import dev.telltale.postgres.integrity.internal.DuplicatesBuilder;
import dev.telltale.postgres.integrity.internal.IntegrityDetector;
import dev.telltale.postgres.integrity.internal.InvariantBuilder;
import dev.telltale.postgres.integrity.internal.KeySkewBuilder;
import dev.telltale.postgres.integrity.internal.KindSpec;
import dev.telltale.postgres.integrity.internal.NegativeValuesBuilder;
import dev.telltale.postgres.integrity.internal.OrphansBuilder;
import dev.telltale.postgres.integrity.internal.ReconciliationBuilder;
import dev.telltale.postgres.integrity.internal.ReplicaDriftBuilder;
import dev.telltale.postgres.integrity.internal.RetentionBacklogBuilder;
import dev.telltale.postgres.integrity.internal.RowChecksumBuilder;
import dev.telltale.postgres.integrity.internal.SequenceGapsBuilder;
import dev.telltale.postgres.integrity.internal.StuckRowsBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Integrity checks over the application's own tables, configured from code:
 * <pre>{@code
 * IntegrityChecks checks = IntegrityChecks.on(ordersDb);
 * checks.duplicates("payments").key("idempotency_key").where("status = 'succeeded'")
 *       .problem(Problem.DOUBLE_CHARGE_PAYMENT).add();
 * checks.negativeValues("products", "stock").add();
 * List<Detector> detectors = checks.detectors();   // one detector per kind: integrity.duplicates, ...
 * checks.validate(Duration.ofSeconds(10));          // optional: fail at start on a typo
 * }</pre>
 * A lone check can be built straight into its detector with {@code build()}. The engine knows a detector
 * by id and target, so all checks of one kind on one target must go through one {@code IntegrityChecks}
 * ({@code add()} then {@link #detectors()}); two {@code build()}s of the same kind on one target would clash.
 *
 * <p>Identifiers (tables, columns) are checked for shape here and against the server's catalog by
 * {@link #validate} or on the first run; they are always quoted. A {@code where} condition is the one piece
 * of raw SQL: trusted configuration, still run read-only with the statement timeout, and refused when it
 * holds {@code ;}, a comment or unbalanced parentheses.
 *
 * <p>Each method returns the kind's {@link IntegrityCheckBuilder}. The builders behind them live next to their
 * checks in {@code .internal}, each with the table describing its kind ({@code KindSpec}) that the YAML reader
 * ({@link IntegrityConfig}) and {@code INTEGRITY.md} are made from.
 */
public final class IntegrityChecks {
    private final PostgresTarget target;
    private final Map<String, List<Check>> byKind = new LinkedHashMap<>();

    private IntegrityChecks(PostgresTarget target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    public static IntegrityChecks on(PostgresTarget target) {
        return new IntegrityChecks(target);
    }

    /** {@code integrity.negative-values}: {@code column} of {@code table} below zero. */
    public IntegrityCheckBuilder.NegativeValues negativeValues(String table, String column) {
        return new NegativeValuesBuilder(owner(NegativeValuesBuilder.KIND, table), table, column);
    }

    /** {@code integrity.capacity-overflow}: the children of a parent use more than its capacity column. */
    public IntegrityCheckBuilder.CapacityOverflow capacityOverflow(String parentTable, String capacityColumn) {
        return new CapacityOverflowBuilder(owner(CapacityOverflowBuilder.KIND, parentTable), parentTable, capacityColumn);
    }

    /** {@code integrity.duplicates}: more than one row per key. */
    public IntegrityCheckBuilder.Duplicates duplicates(String table) {
        return new DuplicatesBuilder(owner(DuplicatesBuilder.KIND, table), table);
    }

    /** {@code integrity.orphans}: rows of {@code childTable} whose parent is missing. */
    public IntegrityCheckBuilder.Orphans orphans(String childTable) {
        return new OrphansBuilder(owner(OrphansBuilder.KIND, childTable), childTable);
    }

    /** {@code integrity.stuck-rows}: rows in a state older than a deadline. */
    public IntegrityCheckBuilder.StuckRows stuckRows(String table) {
        return new StuckRowsBuilder(owner(StuckRowsBuilder.KIND, table), table);
    }

    /** {@code integrity.reconciliation}: an aggregate of one table vs an aggregate of another, per key. */
    public IntegrityCheckBuilder.Reconciliation reconciliation(String name) {
        return new ReconciliationBuilder(owner(ReconciliationBuilder.KIND, name), name);
    }

    /** {@code integrity.row-checksum}: a stored hash vs the hash recomputed from named columns. */
    public IntegrityCheckBuilder.RowChecksum rowChecksum(String table, String hashColumn) {
        return new RowChecksumBuilder(owner(RowChecksumBuilder.KIND, table), table, hashColumn);
    }

    /** {@code integrity.retention-backlog}: rows still present past their retention. */
    public IntegrityCheckBuilder.RetentionBacklog retentionBacklog(String table) {
        return new RetentionBacklogBuilder(owner(RetentionBacklogBuilder.KIND, table), table);
    }

    /** {@code integrity.key-skew}: keys holding far more of the recent rows than the mean key. */
    public IntegrityCheckBuilder.KeySkew keySkew(String table, String keyColumn) {
        return new KeySkewBuilder(owner(KeySkewBuilder.KIND, table), table, keyColumn);
    }

    /** {@code integrity.sequence-gaps}: per-entity sequence numbers that jump (gap) or go back (regression). */
    public IntegrityCheckBuilder.SequenceGaps sequenceGaps(String table) {
        return new SequenceGapsBuilder(owner(SequenceGapsBuilder.KIND, table), table);
    }

    /** {@code integrity.invariant}: the user's query returning the rows that break a rule. */
    public IntegrityCheckBuilder.Invariant invariant(String name, String sql) {
        return new InvariantBuilder(owner(InvariantBuilder.KIND, name), name, sql);
    }

    /** {@code integrity.replica-drift}: {@code table} on this target (the primary) vs on {@code replica}. */
    public IntegrityCheckBuilder.ReplicaDrift replicaDrift(String table, PostgresTarget replica) {
        return new ReplicaDriftBuilder(owner(ReplicaDriftBuilder.KIND, table), table, replica);
    }

    /** One detector per kind that has checks, in the order the kinds were first added. */
    public List<Detector> detectors() {
        List<Detector> out = new ArrayList<>();
        byKind.forEach((kind, checks) -> out.add(new IntegrityDetector(kind, target, checks)));
        return List.copyOf(out);
    }

    /**
     * Resolves every check against the server's catalog now; call it at start-up.
     *
     * @throws IntegrityConfigException naming the check and the unknown table or column
     * @throws Exception                when the server cannot be reached
     */
    public void validate(Duration budget) throws Exception {
        for (List<Check> checks : byKind.values()) {
            for (Check c : checks) {
                c.validate(budget);
            }
        }
    }

    /** Validates the checks of detectors made here (any {@code integrity.*} detector); others are ignored. */
    public static void validate(List<Detector> detectors, Duration budget) throws Exception {
        for (Detector d : detectors) {
            if (d instanceof IntegrityDetector i) {
                i.validate(budget);
            }
        }
    }

    /** Where a builder of {@code kind} adds its check; errors name it {@code <kind>[<label>]}. */
    private CheckBuilder.Owner owner(KindSpec kind, String label) {
        return owner(kind.id() + "[" + label + "]");
    }

    /** Where a builder adds its check; errors name it by {@code path} ({@code integrity.duplicates[0]}). */
    CheckBuilder.Owner owner(String path) {
        return new CheckBuilder.Owner(target, path, this::register);
    }

    private IntegrityChecks register(Check check) {
        List<Check> list = byKind.computeIfAbsent(check.common().kind(), k -> new ArrayList<>());
        for (Check c : list) {
            if (c.common().name().equals(check.common().name())) {
                throw new IntegrityConfigException(check.common().kind() + ": two checks named '" + check.common().name()
                        + "' on target '" + target.name() + "'; give one of them another name(..)");
            }
        }
        list.add(check);
        return this;
    }
}
