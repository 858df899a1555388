package dev.telltale.jvm;

/**
 * What {@code pool.saturation} reads from a connection pool that is not HikariCP (HikariCP is read
 * through its {@code HikariPoolMXBean} when you {@link TelltaleJvm#wrap wrap} or
 * {@link TelltaleJvm#registerPool register} it). Implementations are called once per detector run and
 * must be cheap and non-blocking.
 */
public interface PoolStats {
    /** Connections checked out now. */
    int active();

    /** Open connections not checked out. */
    int idle();

    /** Threads waiting for a connection now. */
    int pending();

    /** The most connections the pool will open. */
    int maximum();
}
