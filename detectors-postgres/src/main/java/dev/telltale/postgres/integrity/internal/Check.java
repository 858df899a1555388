package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.PostgresTargetAccess;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One configured integrity check: what to look at (its kind and names), which problem a violation is a
 * symptom of, and how bad one is. Built without the server; {@link #validate} resolves the names against
 * the catalog once (and again after a failure), so a typo is an error at start, not a SQL error later.
 */
public abstract class Check {
    /**
     * @param kind          the catalogue id, {@code integrity.duplicates}
     * @param name          unique among the checks of one target; the {@code check} tag and part of the subject
     * @param problem       the catalogue problem a violation is a symptom of
     * @param severity      the severity of any violation
     * @param criticalAbove above this many violations the finding is CRITICAL whatever {@code severity} says
     * @param sampleSize    how many offending keys go into the evidence
     * @param rangesPerRun  the most ranges a ranged scan covers in one run (0: as many as the time allows)
     */
    public record Common(String kind, String name, Problem problem, Severity severity, OptionalLong criticalAbove,
                         int sampleSize, int rangesPerRun) {
        public Common {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(severity, "severity");
        }
    }

    private final Common common;
    private final PostgresTarget target;
    private volatile boolean valid;

    protected Check(Common common, PostgresTarget target) {
        this.common = Objects.requireNonNull(common, "common");
        this.target = Objects.requireNonNull(target, "target");
    }

    public final Common common() {
        return common;
    }

    public final PostgresTarget target() {
        return target;
    }

    /** {@code <kind>[<name>]}: how messages name the check. */
    public final String label() {
        return common.kind() + "[" + common.name() + "]";
    }

    /** What the finding is about: the table and the columns, in words a person recognises. */
    public abstract String subject();

    /**
     * Checks every name against the server's catalog (and the shape of user SQL with a dry run).
     *
     * @throws IntegrityConfigException naming the check and the bad name
     */
    public final void validate(Duration budget) throws Exception {
        resolveOn(budget);
        valid = true;
    }

    /** Runs the check within {@code budget}, validating first if it has not been. */
    public final CheckResult run(Duration budget) throws Exception {
        if (!valid) {
            validate(budget);
        }
        return scan(budget);
    }

    /** Resolves names on the target (and on any other server the kind compares with). */
    protected abstract void resolveOn(Duration budget) throws Exception;

    /** Resolves names inside one read-only transaction on the target: what most kinds need. */
    protected final void resolveOnTarget(Duration budget, ResolveWork work) throws Exception {
        PostgresTargetAccess.queries(target).readUserSql(common.kind() + " validate", budget, tx -> {
            for (Map.Entry<String, String> f : fragments().entrySet()) {
                FunctionGuard.check(tx, what(f.getKey()), f.getValue());
            }
            work.resolve(tx);
            return null;
        });
    }

    /** The configured SQL fragments of the check by field name ({@code where}, {@code sql}), checked at validation. */
    protected Map<String, String> fragments() {
        return Map.of();
    }

    /** Name resolution inside a read-only transaction. */
    @FunctionalInterface
    protected interface ResolveWork {
        void resolve(ReadOnlyTx tx) throws Exception;
    }

    protected abstract CheckResult scan(Duration budget) throws Exception;

    protected final String what(String field) {
        return label() + "." + field;
    }
}
