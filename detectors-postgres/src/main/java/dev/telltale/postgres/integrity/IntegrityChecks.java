package dev.telltale.postgres.integrity;

import dev.telltale.core.Detector;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.internal.CapacityOverflowCheck;
import dev.telltale.postgres.integrity.internal.Check;
import dev.telltale.postgres.integrity.internal.DuplicatesCheck;
import dev.telltale.postgres.integrity.internal.Ident;
import dev.telltale.postgres.integrity.internal.IntegrityDetector;
import dev.telltale.postgres.integrity.internal.InvariantCheck;
import dev.telltale.postgres.integrity.internal.KeySkewCheck;
import dev.telltale.postgres.integrity.internal.SequenceGapsCheck;
import dev.telltale.postgres.integrity.internal.NegativeValuesCheck;
import dev.telltale.postgres.integrity.internal.OrphansCheck;
import dev.telltale.postgres.integrity.internal.ReconciliationCheck;
import dev.telltale.postgres.integrity.internal.ReplicaDriftCheck;
import dev.telltale.postgres.integrity.internal.RowChecksumCheck;
import dev.telltale.postgres.integrity.internal.SqlFragment;
import dev.telltale.postgres.integrity.internal.StuckRowsCheck;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

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
 */
public final class IntegrityChecks {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,62}");
    private final PostgresTarget target;
    private final Map<String, List<Check>> byKind = new LinkedHashMap<>();

    private IntegrityChecks(PostgresTarget target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    public static IntegrityChecks on(PostgresTarget target) {
        return new IntegrityChecks(target);
    }

    /** {@code integrity.negative-values}: {@code column} of {@code table} below zero. */
    public NegativeValues negativeValues(String table, String column) {
        return new NegativeValues(this, table, column);
    }

    /** {@code integrity.capacity-overflow}: the children of a parent use more than its capacity column. */
    public CapacityOverflow capacityOverflow(String parentTable, String capacityColumn) {
        return new CapacityOverflow(this, parentTable, capacityColumn);
    }

    /** {@code integrity.duplicates}: more than one row per key. */
    public Duplicates duplicates(String table) {
        return new Duplicates(this, table);
    }

    /** {@code integrity.orphans}: rows of {@code childTable} whose parent is missing. */
    public Orphans orphans(String childTable) {
        return new Orphans(this, childTable);
    }

    /** {@code integrity.stuck-rows}: rows in a state older than a deadline. */
    public StuckRows stuckRows(String table) {
        return new StuckRows(this, table);
    }

    /** {@code integrity.reconciliation}: an aggregate of one table vs an aggregate of another, per key. */
    public Reconciliation reconciliation(String name) {
        return new Reconciliation(this, name);
    }

    /** {@code integrity.row-checksum}: a stored hash vs the hash recomputed from named columns. */
    public RowChecksum rowChecksum(String table, String hashColumn) {
        return new RowChecksum(this, table, hashColumn);
    }

    /** {@code integrity.retention-backlog}: rows still present past their retention. */
    public RetentionBacklog retentionBacklog(String table) {
        return new RetentionBacklog(this, table);
    }

    /** {@code integrity.key-skew}: keys holding far more of the recent rows than the mean key. */
    public KeySkew keySkew(String table, String keyColumn) {
        return new KeySkew(this, table, keyColumn);
    }

    /** {@code integrity.sequence-gaps}: per-entity sequence numbers that jump (gap) or go back (regression). */
    public SequenceGaps sequenceGaps(String table) {
        return new SequenceGaps(this, table);
    }

    /** {@code integrity.invariant}: the user's query returning the rows that break a rule. */
    public Invariant invariant(String name, String sql) {
        return new Invariant(this, name, sql);
    }

    /** {@code integrity.replica-drift}: {@code table} on this target (the primary) vs on {@code replica}. */
    public ReplicaDrift replicaDrift(String table, PostgresTarget replica) {
        return new ReplicaDrift(this, table, replica);
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

    private void register(Check check) {
        List<Check> list = byKind.computeIfAbsent(check.common().kind(), k -> new ArrayList<>());
        for (Check c : list) {
            if (c.common().name().equals(check.common().name())) {
                throw new IntegrityConfigException(check.common().kind() + ": two checks named '" + check.common().name()
                        + "' on target '" + target.name() + "'; give one of them another name(..)");
            }
        }
        list.add(check);
    }

    /**
     * What every check shares: name, problem, severity, evidence size, where condition, ranged scanning.
     * Setters check their value at once and name it in the error.
     */
    public abstract static class CheckBuilder<B extends CheckBuilder<B>> {
        final IntegrityChecks owner;
        final String kind;
        String path;
        Optional<String> name = Optional.empty();
        Problem problem;
        Severity severity;
        OptionalLong criticalAbove = OptionalLong.empty();
        int sampleSize = 10;
        int rangesPerRun;
        Optional<String> where = Optional.empty();
        OptionalInt chunkRows = OptionalInt.empty();
        Optional<String> rangeColumn = Optional.empty();

        CheckBuilder(IntegrityChecks owner, String kind, String label, Problem problem, Severity severity) {
            this.owner = owner;
            this.kind = kind;
            this.path = kind + "[" + label + "]";
            this.problem = problem;
            this.severity = severity;
        }

        @SuppressWarnings("unchecked")
        final B self() {
            return (B) this;
        }

        final String at(String field) {
            return path + "." + field;
        }

        /** Prefix of error messages: how the configuration names this check ({@code integrity.duplicates[0]}). */
        B path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return self();
        }

        /** The check's name: unique per kind and target, the {@code check} tag; defaults to table and columns. */
        public B name(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IntegrityConfigException(at("name") + ": '" + name + "' must be 1 to 63 letters, digits, "
                        + "'.', '_', ':' or '-', starting with a letter or digit");
            }
            this.name = Optional.of(name);
            return self();
        }

        /** The catalogue problem a violation is a symptom of (each kind has a default). */
        public B problem(Problem problem) {
            this.problem = Objects.requireNonNull(problem, at("problem"));
            return self();
        }

        /** Severity of any violation (each kind has a default from the catalogue). */
        public B severity(Severity severity) {
            this.severity = Objects.requireNonNull(severity, at("severity"));
            return self();
        }

        /** Above this many violations the finding is CRITICAL. */
        public B criticalAbove(long count) {
            if (count < 0) {
                throw new IntegrityConfigException(at("critical-above") + ": '" + count + "' is negative");
            }
            this.criticalAbove = OptionalLong.of(count);
            return self();
        }

        /** How many offending keys go into the evidence (default 10, at most 100). */
        public B sample(int keys) {
            if (keys < 1 || keys > 100) {
                throw new IntegrityConfigException(at("sample") + ": '" + keys + "' must be between 1 and 100");
            }
            this.sampleSize = keys;
            return self();
        }

        /** Only rows matching this SQL condition (trusted configuration; see the class comment). */
        public B where(String condition) {
            this.where = Optional.of(SqlFragment.where(at("where"), condition));
            return self();
        }

        /**
         * Scans in ranges of about this many rows, each in its own short transaction, as many per run as the
         * time allows, resuming on the next run. Without it the check is one statement over the whole table.
         */
        public B chunkRows(int rows) {
            if (rows < 100 || rows > 10_000_000) {
                throw new IntegrityConfigException(at("chunk-rows") + ": '" + rows + "' must be between 100 and 10000000");
            }
            this.chunkRows = OptionalInt.of(rows);
            return self();
        }

        /** With {@code chunkRows}: at most this many ranges per run (default: as many as the run's time allows). */
        public B rangesPerRun(int ranges) {
            if (ranges < 1) {
                throw new IntegrityConfigException(at("ranges-per-run") + ": '" + ranges + "' must be 1 or more");
            }
            this.rangesPerRun = ranges;
            return self();
        }

        /** The indexed column ranges are cut on (default: the single-column primary key). */
        public B rangeColumn(String column) {
            this.rangeColumn = Optional.of(Ident.column(at("range-column"), column));
            return self();
        }

        abstract String defaultName();

        abstract Check check(Check.Common common);

        /** Adds the check to its {@code IntegrityChecks} and returns that, for the next check. */
        public IntegrityChecks add() {
            owner.register(create());
            return owner;
        }

        /** This check alone as a detector (for several checks of one kind on one target use {@code add()}). */
        public Detector build() {
            IntegrityChecks alone = new IntegrityChecks(owner.target);
            alone.register(create());
            return alone.detectors().get(0);
        }

        private Check create() {
            String n = name.orElseGet(() -> {
                String d = defaultName().replaceAll("[^A-Za-z0-9._:-]", "_");
                return d.length() > 63 ? d.substring(0, 63) : d;
            });
            return check(new Check.Common(kind, n, problem, severity, criticalAbove, sampleSize, rangesPerRun));
        }

        static List<String> names(String what, String... columns) {
            if (columns == null || columns.length == 0) {
                throw new IntegrityConfigException(what + ": give at least one column");
            }
            return Arrays.stream(columns).map(c -> Ident.column(what, c)).toList();
        }

        static String required(String what, Optional<String> value) {
            return value.orElseThrow(() -> new IntegrityConfigException(what + ": is required"));
        }
    }

    /** See {@link #negativeValues}. */
    public static final class NegativeValues extends CheckBuilder<NegativeValues> {
        private final Ident table;
        private final String column;
        private List<String> key = List.of();

        NegativeValues(IntegrityChecks owner, String table, String column) {
            super(owner, "integrity.negative-values", table, Problem.RACE_CONDITION_INVENTORY, Severity.CRITICAL);
            this.table = Ident.table(at("table"), table);
            this.column = Ident.column(at("column"), column);
        }

        /** The columns that name an offending row in the evidence (default: the primary key). */
        public NegativeValues key(String... columns) {
            this.key = names(at("key"), columns);
            return this;
        }

        @Override
        String defaultName() {
            return table + "." + column;
        }

        @Override
        Check check(Check.Common common) {
            return new NegativeValuesCheck(common, owner.target, table, column, key, where, chunkRows, rangeColumn);
        }
    }

    /** See {@link #capacityOverflow}. */
    public static final class CapacityOverflow extends CheckBuilder<CapacityOverflow> {
        private final Ident parent;
        private final String capacity;
        private List<String> parentKey = List.of();
        private Optional<Ident> child = Optional.empty();
        private Optional<String> childKey = Optional.empty();
        private Optional<String> quantity = Optional.empty();

        CapacityOverflow(IntegrityChecks owner, String parent, String capacity) {
            super(owner, "integrity.capacity-overflow", parent, Problem.DOUBLE_BOOKING, Severity.CRITICAL);
            this.parent = Ident.table(at("table"), parent);
            this.capacity = Ident.column(at("capacity"), capacity);
        }

        /** The child table and its column referring to the parent. */
        public CapacityOverflow children(String childTable, String referenceColumn) {
            this.child = Optional.of(Ident.table(at("child"), childTable));
            this.childKey = Optional.of(Ident.column(at("child-key"), referenceColumn));
            return this;
        }

        /** The child column summed (default: each child row counts 1). */
        public CapacityOverflow quantity(String column) {
            this.quantity = Optional.of(Ident.column(at("quantity"), column));
            return this;
        }

        /** The parent column the children refer to (default: the parent's primary key). */
        public CapacityOverflow parentKey(String column) {
            this.parentKey = List.of(Ident.column(at("parent-key"), column));
            return this;
        }

        @Override
        String defaultName() {
            return parent + "." + capacity;
        }

        @Override
        Check check(Check.Common common) {
            Ident c = child.orElseThrow(() -> new IntegrityConfigException(at("child") + ": is required (children(table, column))"));
            return new CapacityOverflowCheck(common, owner.target, parent, capacity, parentKey, c, childKey.orElseThrow(),
                    quantity, where, chunkRows, rangeColumn);
        }
    }

    /** See {@link #duplicates}. */
    public static final class Duplicates extends CheckBuilder<Duplicates> {
        private final Ident table;
        private List<String> key = List.of();
        private Optional<Duration> window = Optional.empty();
        private Optional<String> timeColumn = Optional.empty();

        Duplicates(IntegrityChecks owner, String table) {
            super(owner, "integrity.duplicates", table, Problem.DUPLICATE_EVENT_PROCESSING, Severity.WARNING);
            this.table = Ident.table(at("table"), table);
        }

        /** The columns that must be unique (among rows matching {@code where}). */
        public Duplicates key(String... columns) {
            this.key = names(at("key"), columns);
            return this;
        }

        /** Report rows of the same key whose {@code timeColumn} values are within {@code window} of each other. */
        public Duplicates within(Duration window, String timeColumn) {
            if (window == null || window.isNegative() || window.isZero()) {
                throw new IntegrityConfigException(at("window") + ": '" + window + "' must be a positive duration");
            }
            this.window = Optional.of(window);
            this.timeColumn = Optional.of(Ident.column(at("time-column"), timeColumn));
            return this;
        }

        @Override
        String defaultName() {
            return table + "." + String.join(".", key);
        }

        @Override
        public Duplicates rangeColumn(String column) {
            throw new IntegrityConfigException(at("range-column") + ": duplicates are scanned in ranges of their first key column");
        }

        @Override
        Check check(Check.Common common) {
            if (key.isEmpty()) {
                throw new IntegrityConfigException(at("key") + ": is required");
            }
            return new DuplicatesCheck(common, owner.target, table, key, where, window, timeColumn, chunkRows);
        }
    }

    /** See {@link #orphans}. */
    public static final class Orphans extends CheckBuilder<Orphans> {
        private final Ident child;
        private List<String> references = List.of();
        private Optional<Ident> parent = Optional.empty();
        private List<String> parentColumns = List.of();
        private List<String> key = List.of();

        Orphans(IntegrityChecks owner, String child) {
            super(owner, "integrity.orphans", child, Problem.ORPHANED_RECORDS, Severity.WARNING);
            this.child = Ident.table(at("table"), child);
            this.criticalAbove = OptionalLong.of(1000);
        }

        /** The child's columns referring to the parent, the parent table, and (optionally) the parent's columns. */
        public Orphans references(String parentTable, String... childColumns) {
            this.parent = Optional.of(Ident.table(at("parent"), parentTable));
            this.references = names(at("references"), childColumns);
            return this;
        }

        /** The parent columns referred to (default: the parent's primary key). */
        public Orphans parentKey(String... columns) {
            this.parentColumns = names(at("parent-key"), columns);
            return this;
        }

        /** The columns naming a child row in the evidence (default: the child's primary key). */
        public Orphans key(String... columns) {
            this.key = names(at("key"), columns);
            return this;
        }

        @Override
        String defaultName() {
            return child + "." + String.join(".", references);
        }

        @Override
        Check check(Check.Common common) {
            Ident p = parent.orElseThrow(() -> new IntegrityConfigException(at("parent") + ": is required (references(parent, columns..))"));
            return new OrphansCheck(common, owner.target, child, references, p, parentColumns, key, where, chunkRows, rangeColumn);
        }
    }

    /** See {@link #stuckRows}. */
    public static final class StuckRows extends CheckBuilder<StuckRows> {
        private final Ident table;
        private Optional<String> stateColumn = Optional.empty();
        private List<String> states = List.of();
        private Optional<String> timeColumn = Optional.empty();
        private Optional<Duration> olderThan = Optional.empty();
        private List<String> key = List.of();

        StuckRows(IntegrityChecks owner, String table) {
            super(owner, "integrity.stuck-rows", table, Problem.DISTRIBUTED_TRANSACTION, Severity.WARNING);
            this.table = Ident.table(at("table"), table);
        }

        /** Rows whose {@code column} holds one of these states (values are bound, compared as text). */
        public StuckRows state(String column, String... states) {
            this.stateColumn = Optional.of(Ident.column(at("state-column"), column));
            if (states == null || states.length == 0) {
                throw new IntegrityConfigException(at("states") + ": give at least one state");
            }
            this.states = List.of(states);
            return this;
        }

        /** ... whose {@code timeColumn} is older than {@code deadline} (0 means: already past, for expiry times). */
        public StuckRows olderThan(Duration deadline, String timeColumn) {
            if (deadline == null || deadline.isNegative()) {
                throw new IntegrityConfigException(at("older-than") + ": '" + deadline + "' is negative");
            }
            this.olderThan = Optional.of(deadline);
            this.timeColumn = Optional.of(Ident.column(at("time-column"), timeColumn));
            return this;
        }

        public StuckRows key(String... columns) {
            this.key = names(at("key"), columns);
            return this;
        }

        @Override
        String defaultName() {
            return table + stateColumn.map(s -> "." + s).orElse("") + "." + timeColumn.orElse("");
        }

        @Override
        Check check(Check.Common common) {
            Duration d = olderThan.orElseThrow(() -> new IntegrityConfigException(at("older-than") + ": is required (olderThan(deadline, timeColumn))"));
            return new StuckRowsCheck(common, owner.target, table, stateColumn, states, timeColumn.orElseThrow(), d, key,
                    where, chunkRows, rangeColumn);
        }
    }

    /** See {@link #reconciliation}. */
    public static final class Reconciliation extends CheckBuilder<Reconciliation> {
        private final String label;
        private Optional<ReconciliationCheck.Side> a = Optional.empty();
        private Optional<ReconciliationCheck.Side> b = Optional.empty();
        private BigDecimal tolerance = BigDecimal.ZERO;

        Reconciliation(IntegrityChecks owner, String name) {
            super(owner, "integrity.reconciliation", name, Problem.COUNTER_RACE, Severity.WARNING);
            this.label = name;
            name(name);
        }

        /** Side A: {@code sum(column)} of {@code table} per {@code key} (a stored counter is its own sum). */
        public Reconciliation sum(String table, String key, String column) {
            return side(table, key, Optional.of(column), Optional.empty());
        }

        /** The next side: {@code count(*)} of {@code table} per {@code key}. */
        public Reconciliation count(String table, String key) {
            return side(table, key, Optional.empty(), Optional.empty());
        }

        /** The next side with a filter on its rows. */
        public Reconciliation side(String table, String key, Optional<String> sumColumn, Optional<String> where) {
            String s = a.isEmpty() ? "a" : "b";
            if (b.isPresent()) {
                throw new IntegrityConfigException(at("sides") + ": a reconciliation compares two sides, not three");
            }
            ReconciliationCheck.Side side = new ReconciliationCheck.Side(Ident.table(at(s + ".table"), table),
                    Ident.column(at(s + ".key"), key), sumColumn.map(c -> Ident.column(at(s + ".column"), c)),
                    where.map(w -> SqlFragment.where(at(s + ".where"), w)));
            if (a.isEmpty()) {
                a = Optional.of(side);
            } else {
                b = Optional.of(side);
            }
            return this;
        }

        /** The largest difference still accepted (default 0). */
        public Reconciliation tolerance(BigDecimal tolerance) {
            if (tolerance == null || tolerance.signum() < 0) {
                throw new IntegrityConfigException(at("tolerance") + ": '" + tolerance + "' is negative");
            }
            this.tolerance = tolerance;
            return this;
        }

        @Override
        public Reconciliation where(String condition) {
            throw new IntegrityConfigException(at("where") + ": give each side its own where");
        }

        @Override
        public Reconciliation chunkRows(int rows) {
            throw new IntegrityConfigException(at("chunk-rows") + ": a reconciliation scans both sides whole");
        }

        @Override
        String defaultName() {
            return label;
        }

        @Override
        Check check(Check.Common common) {
            if (b.isEmpty()) {
                throw new IntegrityConfigException(at("sides") + ": give two sides (sum(..) or count(..), twice)");
            }
            return new ReconciliationCheck(common, owner.target, a.orElseThrow(), b.orElseThrow(), tolerance);
        }
    }

    /** See {@link #rowChecksum}. */
    public static final class RowChecksum extends CheckBuilder<RowChecksum> {
        private final Ident table;
        private final String hashColumn;
        private List<String> columns = List.of();
        private RowChecksumCheck.Algorithm algorithm = RowChecksumCheck.Algorithm.MD5;
        private List<String> key = List.of();

        RowChecksum(IntegrityChecks owner, String table, String hashColumn) {
            super(owner, "integrity.row-checksum", table, Problem.SILENT_DATA_CORRUPTION, Severity.CRITICAL);
            this.table = Ident.table(at("table"), table);
            this.hashColumn = Ident.column(at("hash-column"), hashColumn);
        }

        /** The columns the hash covers, in the order they were joined with {@code |}. */
        public RowChecksum columns(String... columns) {
            this.columns = names(at("columns"), columns);
            return this;
        }

        /** {@code md5} (default) or {@code sha256}, lower-case hex. */
        public RowChecksum algorithm(String algorithm) {
            this.algorithm = switch (algorithm == null ? "" : algorithm.toLowerCase(java.util.Locale.ROOT)) {
                case "md5" -> RowChecksumCheck.Algorithm.MD5;
                case "sha256" -> RowChecksumCheck.Algorithm.SHA256;
                default -> throw new IntegrityConfigException(at("algorithm") + ": '" + algorithm + "' is not md5 or sha256");
            };
            return this;
        }

        public RowChecksum key(String... columns) {
            this.key = names(at("key"), columns);
            return this;
        }

        @Override
        String defaultName() {
            return table + "." + hashColumn;
        }

        @Override
        Check check(Check.Common common) {
            if (columns.isEmpty()) {
                throw new IntegrityConfigException(at("columns") + ": is required");
            }
            return new RowChecksumCheck(common, owner.target, table, hashColumn, columns, algorithm, key, where, chunkRows, rangeColumn);
        }
    }

    /** See {@link #invariant}. */
    public static final class Invariant extends CheckBuilder<Invariant> {
        private final String label;
        private final String sql;
        private Optional<String> keyColumn = Optional.empty();
        private Optional<String> description = Optional.empty();

        Invariant(IntegrityChecks owner, String name, String sql) {
            super(owner, "integrity.invariant", name, Problem.WRITE_SKEW, Severity.CRITICAL);
            this.label = name;
            name(name);
            this.sql = SqlFragment.query(at("sql"), sql);
        }

        /** The column of the query's result that names a violation (default: the whole row's text). */
        public Invariant key(String column) {
            this.keyColumn = Optional.of(Ident.column(at("key"), column));
            return this;
        }

        /** The rule in words, used as the finding's subject (default: the check's name). */
        public Invariant description(String text) {
            this.description = Optional.of(Objects.requireNonNull(text, at("description")));
            return this;
        }

        @Override
        public Invariant where(String condition) {
            throw new IntegrityConfigException(at("where") + ": put the condition in the invariant's query");
        }

        @Override
        public Invariant chunkRows(int rows) {
            throw new IntegrityConfigException(at("chunk-rows") + ": an invariant is the user's query, run whole");
        }

        @Override
        String defaultName() {
            return label;
        }

        @Override
        Check check(Check.Common common) {
            return new InvariantCheck(common, owner.target, sql, keyColumn, description.orElse(common.name()));
        }
    }

    /** See {@link #replicaDrift}. */
    public static final class ReplicaDrift extends CheckBuilder<ReplicaDrift> {
        private final Ident table;
        private final PostgresTarget replica;
        private Optional<String> key = Optional.empty();
        private List<String> columns = List.of();
        private Optional<String> settleColumn = Optional.empty();
        private Duration settle = Duration.ZERO;

        ReplicaDrift(IntegrityChecks owner, String table, PostgresTarget replica) {
            super(owner, "integrity.replica-drift", table, Problem.DATA_DRIFT, Severity.WARNING);
            this.table = Ident.table(at("table"), table);
            this.replica = Objects.requireNonNull(replica, at("replica"));
            this.criticalAbove = OptionalLong.of(10);
            this.chunkRows = OptionalInt.of(10_000);
        }

        /** The ordered, indexed key the ranges are cut on (default: the single-column primary key). */
        public ReplicaDrift key(String column) {
            this.key = Optional.of(Ident.column(at("key"), column));
            return this;
        }

        /** The columns compared (default: all columns of the primary's table). */
        public ReplicaDrift columns(String... columns) {
            this.columns = names(at("columns"), columns);
            return this;
        }

        /** Compare only rows whose {@code timeColumn} is older than {@code delay} (on the primary's clock). */
        public ReplicaDrift settle(Duration delay, String timeColumn) {
            if (delay == null || delay.isNegative()) {
                throw new IntegrityConfigException(at("settle") + ": '" + delay + "' is negative");
            }
            this.settle = delay;
            this.settleColumn = Optional.of(Ident.column(at("settle-column"), timeColumn));
            return this;
        }

        @Override
        public ReplicaDrift where(String condition) {
            throw new IntegrityConfigException(at("where") + ": replica drift compares whole ranges; use settle(..) for rows in flight");
        }

        @Override
        public ReplicaDrift rangeColumn(String column) {
            return key(column);
        }

        @Override
        String defaultName() {
            return table + ":" + replica.name();
        }

        @Override
        Check check(Check.Common common) {
            return new ReplicaDriftCheck(common, owner.target, replica, table, key, columns, settleColumn, settle,
                    chunkRows.getAsInt());
        }
    }

    /** See {@link #retentionBacklog}. */
    public static final class RetentionBacklog extends CheckBuilder<RetentionBacklog> {
        private final Ident table;
        private Optional<String> timeColumn = Optional.empty();
        private Optional<Duration> retention = Optional.empty();
        private List<String> key = List.of();

        RetentionBacklog(IntegrityChecks owner, String table) {
            super(owner, "integrity.retention-backlog", table, Problem.STORAGE_BLOAT, Severity.WARNING);
            this.table = Ident.table(at("table"), table);
        }

        /** Rows whose {@code timeColumn} is older than {@code retention} (with {@code where}: only those rows). */
        public RetentionBacklog olderThan(Duration retention, String timeColumn) {
            if (retention == null || retention.isNegative()) {
                throw new IntegrityConfigException(at("retention") + ": '" + retention + "' is negative");
            }
            this.retention = Optional.of(retention);
            this.timeColumn = Optional.of(Ident.column(at("time-column"), timeColumn));
            return this;
        }

        public RetentionBacklog key(String... columns) {
            this.key = names(at("key"), columns);
            return this;
        }

        @Override
        String defaultName() {
            return table + "." + timeColumn.orElse("");
        }

        @Override
        Check check(Check.Common common) {
            Duration d = retention.orElseThrow(() -> new IntegrityConfigException(at("retention") + ": is required (olderThan(retention, timeColumn))"));
            return new StuckRowsCheck(common, owner.target, table, Optional.empty(), List.of(), timeColumn.orElseThrow(), d,
                    key, where, chunkRows, rangeColumn);
        }
    }

    /** See {@link #keySkew}. */
    public static final class KeySkew extends CheckBuilder<KeySkew> {
        private final Ident table;
        private final String key;
        private Optional<String> timeColumn = Optional.empty();
        private Optional<Duration> window = Optional.empty();
        private BigDecimal factor = BigDecimal.TEN;
        private long minRows = 1000;

        KeySkew(IntegrityChecks owner, String table, String key) {
            super(owner, "integrity.key-skew", table, Problem.HOT_PARTITION, Severity.WARNING);
            this.table = Ident.table(at("table"), table);
            this.key = Ident.column(at("key"), key);
        }

        /** Look at the rows whose {@code timeColumn} is within the last {@code window}. */
        public KeySkew window(Duration window, String timeColumn) {
            if (window == null || window.isNegative() || window.isZero()) {
                throw new IntegrityConfigException(at("window") + ": '" + window + "' must be a positive duration");
            }
            this.window = Optional.of(window);
            this.timeColumn = Optional.of(Ident.column(at("time-column"), timeColumn));
            return this;
        }

        /** A key is hot above this many times the mean rows per key (default 10). */
        public KeySkew factor(double factor) {
            if (!(factor > 1)) {
                throw new IntegrityConfigException(at("factor") + ": '" + factor + "' must be above 1");
            }
            this.factor = BigDecimal.valueOf(factor);
            return this;
        }

        /** ... and with at least this many rows in the window (default 1000). */
        public KeySkew minRows(long rows) {
            if (rows < 1) {
                throw new IntegrityConfigException(at("min-rows") + ": '" + rows + "' must be 1 or more");
            }
            this.minRows = rows;
            return this;
        }

        @Override
        public KeySkew chunkRows(int rows) {
            throw new IntegrityConfigException(at("chunk-rows") + ": key skew reads the window's rows by the time column");
        }

        @Override
        String defaultName() {
            return table + "." + key;
        }

        @Override
        Check check(Check.Common common) {
            Duration w = window.orElseThrow(() -> new IntegrityConfigException(at("window") + ": is required (window(duration, timeColumn))"));
            return new KeySkewCheck(common, owner.target, table, key, timeColumn.orElseThrow(), w, factor, minRows, where);
        }
    }

    /** See {@link #sequenceGaps}. */
    public static final class SequenceGaps extends CheckBuilder<SequenceGaps> {
        private final Ident table;
        private List<String> entity = List.of();
        private Optional<String> sequence = Optional.empty();
        private Optional<String> orderColumn = Optional.empty();

        SequenceGaps(IntegrityChecks owner, String table) {
            super(owner, "integrity.sequence-gaps", table, Problem.MESSAGE_OUT_OF_ORDER, Severity.WARNING);
            this.table = Ident.table(at("table"), table);
        }

        /** The columns naming the entity whose events are numbered. */
        public SequenceGaps entity(String... columns) {
            this.entity = names(at("entity"), columns);
            return this;
        }

        /** The per-entity sequence number. */
        public SequenceGaps sequence(String column) {
            this.sequence = Optional.of(Ident.column(at("sequence"), column));
            return this;
        }

        /** The arrival (application) order of the rows (default: the single-column primary key). */
        public SequenceGaps orderColumn(String column) {
            this.orderColumn = Optional.of(Ident.column(at("order-column"), column));
            return this;
        }

        @Override
        public SequenceGaps rangeColumn(String column) {
            throw new IntegrityConfigException(at("range-column") + ": sequences are scanned in ranges of their first entity column");
        }

        @Override
        String defaultName() {
            return table + "." + sequence.orElse("");
        }

        @Override
        Check check(Check.Common common) {
            if (entity.isEmpty()) {
                throw new IntegrityConfigException(at("entity") + ": is required");
            }
            String seq = sequence.orElseThrow(() -> new IntegrityConfigException(at("sequence") + ": is required"));
            return new SequenceGapsCheck(common, owner.target, table, entity, seq, orderColumn, where, chunkRows);
        }
    }
}
