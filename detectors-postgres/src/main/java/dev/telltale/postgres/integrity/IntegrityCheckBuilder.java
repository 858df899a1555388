package dev.telltale.postgres.integrity;

import dev.telltale.core.Detector;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * The fluent builder of one integrity check, as returned by the methods of {@link IntegrityChecks}: the
 * settings every kind shares, then {@link #add()} (back to the {@code IntegrityChecks}, for the next check)
 * or {@link #build()} (this check alone as a detector). The nested interfaces add each kind's own settings.
 * Every setter checks its value at once and names the check and the setting in its error
 * ({@link IntegrityConfigException}).
 *
 * @param <B> the kind's own builder type, returned by every setter
 */
public interface IntegrityCheckBuilder<B extends IntegrityCheckBuilder<B>> {
    /** The check's name: unique per kind and target, the {@code check} tag; defaults to table and columns. */
    B name(String name);

    /** The catalogue problem a violation is a symptom of (each kind has a default). */
    B problem(Problem problem);

    /** Severity of any violation (each kind has a default from the catalogue). */
    B severity(Severity severity);

    /** Above this many violations the finding is CRITICAL. */
    B criticalAbove(long count);

    /** How many offending keys go into the evidence (default 10, at most 100). */
    B sample(int keys);

    /** Only rows matching this SQL condition (trusted configuration; see {@link IntegrityChecks}). */
    B where(String condition);

    /**
     * Scans in ranges of about this many rows, each in its own short transaction, as many per run as the
     * time allows, resuming on the next run. Without it the check is one statement over the whole table.
     */
    B chunkRows(int rows);

    /** With {@code chunkRows}: at most this many ranges per run (default: as many as the run's time allows). */
    B rangesPerRun(int ranges);

    /** The indexed column ranges are cut on (default: the single-column primary key). */
    B rangeColumn(String column);

    /** Adds the check to its {@code IntegrityChecks} and returns that, for the next check. */
    IntegrityChecks add();

    /** This check alone as a detector (for several checks of one kind on one target use {@code add()}). */
    Detector build();

    /** The fluent builder of an {@code integrity.negative-values} check. */
    interface NegativeValues extends IntegrityCheckBuilder<NegativeValues> {
        /** The columns that name an offending row in the evidence (default: the primary key). */
        NegativeValues key(String... columns);
    }

    /** The fluent builder of an {@code integrity.capacity-overflow} check. */
    interface CapacityOverflow extends IntegrityCheckBuilder<CapacityOverflow> {
        /** The child table and its column referring to the parent. */
        CapacityOverflow children(String childTable, String referenceColumn);

        /** The child column summed (default: each child row counts 1). */
        CapacityOverflow quantity(String column);

        /** The parent column the children refer to (default: the parent's primary key). */
        CapacityOverflow parentKey(String column);
    }

    /** The fluent builder of an {@code integrity.duplicates} check. */
    interface Duplicates extends IntegrityCheckBuilder<Duplicates> {
        /** The columns that must be unique (among rows matching {@code where}). */
        Duplicates key(String... columns);

        /** Report rows of the same key whose {@code timeColumn} values are within {@code window} of each other. */
        Duplicates within(Duration window, String timeColumn);
    }

    /** The fluent builder of an {@code integrity.orphans} check. */
    interface Orphans extends IntegrityCheckBuilder<Orphans> {
        /** The child's columns referring to the parent, the parent table, and (optionally) the parent's columns. */
        Orphans references(String parentTable, String... childColumns);

        /** The parent columns referred to (default: the parent's primary key). */
        Orphans parentKey(String... columns);

        /** The columns naming a child row in the evidence (default: the child's primary key). */
        Orphans key(String... columns);
    }

    /** The fluent builder of an {@code integrity.stuck-rows} check. */
    interface StuckRows extends IntegrityCheckBuilder<StuckRows> {
        /** Rows whose {@code column} holds one of these states (values are bound, compared as text). */
        StuckRows state(String column, String... states);

        /** ... whose {@code timeColumn} is older than {@code deadline} (0 means: already past, for expiry times). */
        StuckRows olderThan(Duration deadline, String timeColumn);

        /** The columns naming an offending row in the evidence (default: the primary key). */
        StuckRows key(String... columns);
    }

    /** The fluent builder of an {@code integrity.reconciliation} check. */
    interface Reconciliation extends IntegrityCheckBuilder<Reconciliation> {
        /** Side A: {@code sum(column)} of {@code table} per {@code key} (a stored counter is its own sum). */
        Reconciliation sum(String table, String key, String column);

        /** The next side: {@code count(*)} of {@code table} per {@code key}. */
        Reconciliation count(String table, String key);

        /** The next side with a filter on its rows. */
        Reconciliation side(String table, String key, Optional<String> sumColumn, Optional<String> where);

        /** The largest difference still accepted (default 0). */
        Reconciliation tolerance(BigDecimal tolerance);
    }

    /** The fluent builder of an {@code integrity.row-checksum} check. */
    interface RowChecksum extends IntegrityCheckBuilder<RowChecksum> {
        /** The columns the hash covers, in the order they were joined with {@code |}. */
        RowChecksum columns(String... columns);

        /** {@code md5} (default) or {@code sha256}, lower-case hex. */
        RowChecksum algorithm(String algorithm);

        /** The columns naming an offending row in the evidence (default: the primary key). */
        RowChecksum key(String... columns);
    }

    /** The fluent builder of an {@code integrity.retention-backlog} check. */
    interface RetentionBacklog extends IntegrityCheckBuilder<RetentionBacklog> {
        /** Rows whose {@code timeColumn} is older than {@code retention} (with {@code where}: only those rows). */
        RetentionBacklog olderThan(Duration retention, String timeColumn);

        /** The columns naming an offending row in the evidence (default: the primary key). */
        RetentionBacklog key(String... columns);
    }

    /** The fluent builder of an {@code integrity.key-skew} check. */
    interface KeySkew extends IntegrityCheckBuilder<KeySkew> {
        /** Look at the rows whose {@code timeColumn} is within the last {@code window}. */
        KeySkew window(Duration window, String timeColumn);

        /** A key is hot above this many times the mean rows per key (default 10). */
        KeySkew factor(double factor);

        /** ... and with at least this many rows in the window (default 1000). */
        KeySkew minRows(long rows);
    }

    /** The fluent builder of an {@code integrity.sequence-gaps} check. */
    interface SequenceGaps extends IntegrityCheckBuilder<SequenceGaps> {
        /** The columns naming the entity whose events are numbered. */
        SequenceGaps entity(String... columns);

        /** The per-entity sequence number. */
        SequenceGaps sequence(String column);

        /** The arrival (application) order of the rows (default: the single-column primary key). */
        SequenceGaps orderColumn(String column);
    }

    /** The fluent builder of an {@code integrity.invariant} check. */
    interface Invariant extends IntegrityCheckBuilder<Invariant> {
        /** The column of the query's result that names a violation (default: the whole row's text). */
        Invariant key(String column);

        /** The rule in words, used as the finding's subject (default: the check's name). */
        Invariant description(String text);
    }

    /** The fluent builder of an {@code integrity.replica-drift} check. */
    interface ReplicaDrift extends IntegrityCheckBuilder<ReplicaDrift> {
        /** The ordered, indexed key the ranges are cut on (default: the single-column primary key). */
        ReplicaDrift key(String column);

        /** The columns compared (default: all columns of the primary's table). */
        ReplicaDrift columns(String... columns);

        /** Compare only rows whose {@code timeColumn} is older than {@code delay} (on the primary's clock). */
        ReplicaDrift settle(Duration delay, String timeColumn);
    }
}
