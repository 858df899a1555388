package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Detector;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityChecks;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What every check builder shares: name, problem, severity, evidence size, where condition, ranged scanning.
 * Setters check their value at once and name it in the error, prefixed by the builder's path
 * ({@code integrity.duplicates[payments]} from code, {@code integrity.duplicates[0]} from the configuration).
 * Defaults come from the kind's {@link KindSpec}.
 */
public abstract class CheckBuilder<B extends CheckBuilder<B>> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,62}");

    /**
     * Where a builder's check goes.
     *
     * @param target the server the check runs on
     * @param path   how errors name the check
     * @param add    adds the finished check to its {@link IntegrityChecks} and returns that
     */
    public record Owner(PostgresTarget target, String path, Function<Check, IntegrityChecks> add) {
        public Owner {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(add, "add");
        }
    }

    /** A setting every kind accepts, and how the YAML reader applies it to a builder. */
    public record CommonSetting(Field field, BiConsumer<CheckBuilder<?>, Object> apply) {
    }

    public static final List<CommonSetting> COMMON = List.of(
            new CommonSetting(Field.optional("name", FieldType.NAME, "the table and columns",
                    "Unique per kind and target: the `check` tag of the metrics and the end of the finding's subject."),
                    (b, v) -> b.name((String) v)),
            new CommonSetting(Field.optional("problem", FieldType.PROBLEM, "the kind's",
                    "The catalogue problem a violation is a symptom of."), (b, v) -> b.problem((Problem) v)),
            new CommonSetting(Field.optional("severity", FieldType.SEVERITY, "the kind's",
                    "The severity of any violation."), (b, v) -> b.severity((Severity) v)),
            new CommonSetting(Field.optional("critical-above", FieldType.COUNT, "the kind's, or none",
                    "Above this many violations the finding is critical."), (b, v) -> b.criticalAbove((Long) v)),
            new CommonSetting(Field.optional("sample", FieldType.COUNT, "10",
                    "How many offending keys go into the evidence, 1 to 100."), (b, v) -> b.sample(toInt(v))),
            new CommonSetting(Field.optional("where", FieldType.CONDITION, "all rows",
                    "Only the rows matching this condition (trusted configuration; see [Safety](#safety))."),
                    (b, v) -> b.where((String) v)),
            new CommonSetting(Field.optional("chunk-rows", FieldType.COUNT, "the kind's, or one statement over the whole table",
                    "Scan in ranges of about this many rows (100 to 10,000,000), each its own short transaction, "
                            + "as many per run as the time allows, resuming on the next run."),
                    (b, v) -> b.chunkRows(toInt(v))),
            new CommonSetting(Field.optional("range-column", FieldType.COLUMN, "the single-column primary key",
                    "With `chunk-rows`: the indexed column ranges are cut on."), (b, v) -> b.rangeColumn((String) v)),
            new CommonSetting(Field.optional("ranges-per-run", FieldType.COUNT, "as many as the run's time allows",
                    "With `chunk-rows`: at most this many ranges per run."), (b, v) -> b.rangesPerRun(toInt(v))));

    private final Owner owner;
    protected final KindSpec kind;
    protected Optional<String> name = Optional.empty();
    protected Problem problem;
    protected Severity severity;
    protected OptionalLong criticalAbove;
    protected int sampleSize = 10;
    protected int rangesPerRun;
    protected Optional<String> where = Optional.empty();
    protected OptionalInt chunkRows;
    protected Optional<String> rangeColumn = Optional.empty();

    protected CheckBuilder(Owner owner, KindSpec kind) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.problem = kind.problem();
        this.severity = kind.severity();
        this.criticalAbove = kind.criticalAbove();
        this.chunkRows = kind.chunkRows();
    }

    @SuppressWarnings("unchecked")
    protected final B self() {
        return (B) this;
    }

    /** The key path of one of this check's settings, for error messages. */
    protected final String at(String field) {
        return owner.path() + "." + field;
    }

    protected final PostgresTarget target() {
        return owner.target();
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

    /** Only rows matching this SQL condition (trusted configuration; see {@link IntegrityChecks}). */
    public B where(String condition) {
        refuse("where");
        this.where = Optional.of(SqlFragment.where(at("where"), condition));
        return self();
    }

    /**
     * Scans in ranges of about this many rows, each in its own short transaction, as many per run as the
     * time allows, resuming on the next run. Without it the check is one statement over the whole table.
     */
    public B chunkRows(int rows) {
        refuse("chunk-rows");
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
        refuse("range-column");
        this.rangeColumn = Optional.of(Ident.column(at("range-column"), column));
        return self();
    }

    private void refuse(String key) {
        String reason = kind.refused().get(key);
        if (reason != null) {
            throw new IntegrityConfigException(at(key) + ": " + reason);
        }
    }

    /** Applies the common settings present in {@code settings} that the kind does not name itself. */
    public final B apply(ConfigMap settings) {
        for (CommonSetting c : COMMON) {
            String key = c.field().key();
            if (kind.own(key).isEmpty()) {
                settings.opt(key).ifPresent(v -> c.apply().accept(this, v));
            }
        }
        return self();
    }

    /** The name when none is given: table and columns. */
    protected abstract String defaultName();

    protected abstract Check check(Check.Common common);

    /** Adds the check to its {@code IntegrityChecks} and returns that, for the next check. */
    public IntegrityChecks add() {
        return owner.add().apply(create());
    }

    /** This check alone as a detector (for several checks of one kind on one target use {@code add()}). */
    public Detector build() {
        return new IntegrityDetector(kind.id(), owner.target(), List.of(create()));
    }

    private Check create() {
        String n = name.orElseGet(() -> {
            String d = defaultName().replaceAll("[^A-Za-z0-9._:-]", "_");
            return d.length() > 63 ? d.substring(0, 63) : d;
        });
        return check(new Check.Common(kind.id(), n, problem, severity, criticalAbove, sampleSize, rangesPerRun));
    }

    /** The value set for {@code key}; else an error naming it and, when not empty, the builder call {@code how}. */
    protected final <T> T required(Optional<T> value, String key, String how) {
        return value.orElseThrow(() -> new IntegrityConfigException(at(key) + ": is required"
                + (how.isEmpty() ? "" : " (" + how + ")")));
    }

    /** The columns set for {@code key}; else an error naming it. */
    protected final List<String> required(List<String> columns, String key) {
        if (columns.isEmpty()) {
            throw new IntegrityConfigException(at(key) + ": is required");
        }
        return columns;
    }

    /** A window: above zero. */
    protected final Duration positive(String key, Duration window) {
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IntegrityConfigException(at(key) + ": '" + window + "' must be a positive duration");
        }
        return window;
    }

    /** An age: zero (already past, for expiry times) or more. */
    protected final Duration notNegative(String key, Duration age) {
        if (age == null || age.isNegative()) {
            throw new IntegrityConfigException(at(key) + ": '" + age + "' is negative");
        }
        return age;
    }

    protected static List<String> names(String what, String... columns) {
        if (columns == null || columns.length == 0) {
            throw new IntegrityConfigException(what + ": give at least one column");
        }
        return Arrays.stream(columns).map(c -> Ident.column(what, c)).toList();
    }

    private static int toInt(Object count) {
        return (int) Math.min(Integer.MAX_VALUE, (Long) count);
    }
}
