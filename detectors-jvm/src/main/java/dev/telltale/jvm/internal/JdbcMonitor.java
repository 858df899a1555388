package dev.telltale.jvm.internal;

import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one wrapped data source tells the detectors. Per statement: one cache lookup for the
 * fingerprint, a few counters, one table update in the unit of work. Per connection: a lease recorded at
 * checkout and dropped at close, which is what the pool detectors read. The JDBC wrappers in
 * {@code .internal.jdbc} call it; it knows nothing of how they intercept.
 */
public final class JdbcMonitor {
    /** Above this many open leases (a non-pooled data source that never closes) new ones are not tracked. */
    static final int MAX_LEASES = 10_000;

    /** The parameters of the execution being recorded, read only when a unit of work counts it. */
    public interface Parameters {
        /** Equal for equal bind values; for a statement without bind values, derived from {@code sql}. */
        int parameterHash(String sql);
    }

    private final String name;
    private final SqlFingerprints fingerprints;
    private final Scopes scopes;
    private final NPlusOneRegistry nPlusOne;
    private final StatementStats statements;
    /** The open leases, by identity: a lease is in the set from checkout to close. */
    private final Set<Lease> leases = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionIds = new AtomicLong();
    private final LongAdder acquireTimeouts = new LongAdder();
    private final LongAdder acquireFailures = new LongAdder();

    public JdbcMonitor(String name, SqlFingerprints fingerprints, Scopes scopes, NPlusOneRegistry nPlusOne,
                       StatementStats statements) {
        this.name = name;
        this.fingerprints = fingerprints;
        this.scopes = scopes;
        this.nPlusOne = nPlusOne;
        this.statements = statements;
    }

    public String name() {
        return name;
    }

    /**
     * One execution of {@code sql}: {@code thrown} is what the driver threw, or null; a batch is one round
     * trip however many rows it carries, so it is never part of an N+1. {@code lease} is the connection's
     * (null when it is not tracked): its transaction is the unit when no explicit unit is current.
     */
    public void executed(String sql, long elapsedNanos, Throwable thrown, Statement statement, boolean batch,
                         Lease lease, Parameters parameters) {
        if (sql == null) {
            return;
        }
        Fingerprint f = fingerprints.of(sql);
        statements.executed(f, elapsedNanos, thrown);
        if (f.withoutTimeout < 0) {
            checkTimeout(f, statement);
        }
        if (batch) {
            return;
        }
        WorkState unit = scopes.current();
        if (unit == null) {
            if (lease == null) {
                return;
            }
            unit = lease.implicitUnit(name);
        }
        unit.record(f, elapsedNanos, parameters.parameterHash(sql));
    }

    private void checkTimeout(Fingerprint f, Statement statement) {
        // Once per shape: a JDBC call per statement would cost more than everything else here.
        if (f.schemaDdl()) {
            f.withoutTimeout = 0;
            return;
        }
        try {
            int timeout = statement == null ? -1 : statement.getQueryTimeout();
            if (timeout == 0) {
                f.withoutTimeout = 1;
                statements.withoutTimeout(f);
            } else {
                f.withoutTimeout = 0;
            }
        } catch (Exception e) {
            f.withoutTimeout = 0;
        }
    }

    /** A connection was checked out; returns its lease, or null above {@code MAX_LEASES} open ones. */
    public Lease connected() {
        if (leases.size() >= MAX_LEASES) {
            return null;
        }
        Lease lease = new Lease(connectionIds.incrementAndGet(), scopes.current(), Thread.currentThread(), System.nanoTime());
        leases.add(lease);
        return lease;
    }

    /** Checking out a connection failed with {@code thrown}. */
    public void connectFailed(Throwable thrown) {
        acquireFailures.increment();
        if (thrown instanceof SQLTransientConnectionException
                || (thrown.getMessage() != null && thrown.getMessage().contains("timed out"))) {
            acquireTimeouts.increment();
        }
    }

    /** The connection of {@code lease} was closed (given back to its pool). */
    public void closed(Lease lease) {
        if (lease != null && leases.remove(lease)) {
            endImplicit(lease);
        }
    }

    /**
     * A commit or rollback ({@code what}, in upper case) ended the transaction of {@code lease};
     * {@code thrown} is its failure or null. Serializable transactions are often refused at commit
     * (40001), not at a statement, so the failure is counted like a statement's.
     */
    public void transactionEnded(Lease lease, String what, Throwable thrown) {
        if (thrown != null) {
            statements.failed(fingerprints.of(what), thrown, 0);
        }
        transactionBegins(lease);
    }

    /** Auto-commit was turned off: what ran before was a transaction of its own. */
    public void transactionBegins(Lease lease) {
        if (lease != null && leases.contains(lease)) {
            endImplicit(lease);
        }
    }

    private void endImplicit(Lease lease) {
        WorkState w = lease.endImplicit();
        if (w != null) {
            nPlusOne.unitEnded(w);
        }
    }

    /** The connections checked out now. */
    public List<Lease> leases() {
        return new ArrayList<>(leases);
    }

    public long acquireTimeouts() {
        return acquireTimeouts.sum();
    }

    public long acquireFailures() {
        return acquireFailures.sum();
    }
}
