package dev.telltale.jvm.internal.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * A prepared statement of a {@link WatchedConnection}. Each bind keeps only the hash of its value, by
 * parameter index, so the N+1 detector can tell a loop over distinct rows from the same lookup again;
 * primitives are hashed without boxing, and the array of hashes is allocated once per statement. The
 * setters that call {@link #bind} and the timed executions are generated into {@code DelegatingPreparedStatement}.
 */
public class WatchedPreparedStatement extends DelegatingPreparedStatement {
    /** The hash of each bound value, by index - 1; {@code bound} is the highest index bound. */
    private int[] values;
    private int bound;

    WatchedPreparedStatement(PreparedStatement delegate, WatchedConnection connection, String sql) {
        super(delegate, connection, sql);
    }

    /** Equal for equal bind values; the SQL's own hash when nothing was bound. */
    @Override
    public int parameterHash(String sql) {
        if (bound == 0) {
            return sql.hashCode();
        }
        int h = 1;
        int[] v = values;
        for (int i = 0; i < bound; i++) {
            h = 31 * h + v[i];
        }
        return h;
    }

    @Override
    final void bind(int index, int hash) {
        if (index < 1) {
            return;
        }
        int[] v = values;
        if (v == null || index > v.length) {
            v = grow(index);
        }
        v[index - 1] = hash;
        if (index > bound) {
            bound = index;
        }
    }

    private int[] grow(int index) {
        int[] v = new int[Math.max(index, values == null ? 4 : values.length * 2)];
        if (values != null) {
            System.arraycopy(values, 0, v, 0, bound);
        }
        values = v;
        return v;
    }

    /** A prepared statement's batch is known by its one SQL. */
    @Override
    String takeBatchSql() {
        return sql;
    }

    @Override
    public void clearParameters() throws SQLException {
        ps.clearParameters();
        if (values != null) {
            Arrays.fill(values, 0, bound, 0);
        }
        bound = 0;
    }
}
