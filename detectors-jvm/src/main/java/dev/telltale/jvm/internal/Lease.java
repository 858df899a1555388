package dev.telltale.jvm.internal;

/**
 * A connection checked out of a wrapped data source: who holds it and since when. Recorded at checkout
 * without a stack capture; the holder's stack is read only when the lease is suspected of leaking.
 */
public final class Lease {
    /** Numbered at checkout; the text form is made only for evidence, never at checkout. */
    private final long connectionId;
    private final WorkState explicitUnit;
    private final Thread thread;
    private final long borrowedNanos;
    /** The transaction-scoped unit used when no explicit unit is current; replaced at each commit or rollback. */
    private WorkState implicitUnit;
    private volatile String holderStack;

    Lease(long connectionId, WorkState explicitUnit, Thread thread, long borrowedNanos) {
        this.connectionId = connectionId;
        this.explicitUnit = explicitUnit;
        this.thread = thread;
        this.borrowedNanos = borrowedNanos;
    }

    public String connectionId() {
        return Long.toString(connectionId);
    }

    /** The unit of work that holds this connection: the explicit one current at checkout, else its transaction. */
    public synchronized WorkState holder(String dataSourceName) {
        if (explicitUnit != null) {
            return explicitUnit;
        }
        return implicitUnit(dataSourceName);
    }

    synchronized WorkState implicitUnit(String dataSourceName) {
        if (implicitUnit == null || implicitUnit.ended()) {
            implicitUnit = new WorkState("transaction on " + dataSourceName, true);
        }
        return implicitUnit;
    }

    /** Ends the current transaction-scoped unit, if any, and returns it. */
    synchronized WorkState endImplicit() {
        WorkState w = implicitUnit;
        implicitUnit = null;
        return w;
    }

    public Thread thread() {
        return thread;
    }

    public long borrowedNanos() {
        return borrowedNanos;
    }

    public long heldNanos(long nowNanos) {
        return nowNanos - borrowedNanos;
    }

    public String holderStack() {
        return holderStack;
    }

    public void holderStack(String stack) {
        this.holderStack = stack;
    }
}
