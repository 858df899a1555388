package dev.telltale.jvm.internal.jdbc;

import dev.telltale.jvm.internal.JdbcMonitor;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A statement of a {@link WatchedConnection}: each execution is timed around the driver's call and
 * told to the monitor with its SQL and what the driver threw, which is then rethrown unchanged. Result
 * sets are the driver's own: no detector reads rows. The timed executions and the plain delegation are
 * generated into {@code DelegatingStatement}; this class holds what a statement adds to the driver's.
 */
public class WatchedStatement extends DelegatingStatement implements JdbcMonitor.Parameters {
    private final WatchedConnection connection;
    /** The first SQL of a plain statement's pending batch: the batch's fingerprint, as one round trip. */
    private String batchSql;

    WatchedStatement(Statement delegate, WatchedConnection connection) {
        super(delegate);
        this.connection = connection;
    }

    @Override
    final void executed(String sql, long startNanos, Throwable thrown, boolean batch) {
        WatchedConnection c = connection;
        c.monitor.executed(sql, System.nanoTime() - startNanos, thrown, delegate, batch, c.lease, this);
    }

    /** A plain statement carries its values in the SQL text. */
    @Override
    public int parameterHash(String sql) {
        return sql.hashCode();
    }

    /** The SQL a batch about to run is known by; the batch is gone once it runs, whatever the outcome. */
    @Override
    String takeBatchSql() {
        String sql = batchSql;
        batchSql = null;
        return sql;
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        delegate.addBatch(sql);
        if (batchSql == null) {
            batchSql = sql;
        }
    }

    @Override
    public void clearBatch() throws SQLException {
        delegate.clearBatch();
        batchSql = null;
    }

    /** The watched connection, so statements made from it are watched too. */
    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public String toString() {
        return "watched " + delegate;
    }
}
