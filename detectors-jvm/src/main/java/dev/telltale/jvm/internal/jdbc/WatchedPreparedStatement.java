package dev.telltale.jvm.internal.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * A prepared statement of a {@link WatchedConnection}. Each bind keeps only the hash of its value, by
 * parameter index, so the N+1 detector can tell a loop over distinct rows from the same lookup again;
 * primitives are hashed without boxing, the first four hashes live in fields and an array is allocated only
 * for a statement that binds more (an array per statement was most of Telltale's allocation in the clinic). The
 * setters that call {@link #bind} and the timed executions are generated into {@code DelegatingPreparedStatement}.
 */
public class WatchedPreparedStatement extends DelegatingPreparedStatement {
    /** How many bind hashes live in fields before an array is needed: most statements bind a few values. */
    static final int INLINE = 4;
    /** The hashes of the first {@code INLINE} bound values, by index - 1; {@code bound} is the highest index bound. */
    private int v0;
    private int v1;
    private int v2;
    private int v3;
    /** The hashes of the values from index {@code INLINE + 1} on, allocated only for statements that bind that many. */
    private int[] more;
    private int bound;

    WatchedPreparedStatement(PreparedStatement delegate, WatchedConnection connection, String sql) {
        super(delegate, connection, sql);
    }

    /** Equal for equal bind values; the SQL's own hash when nothing was bound. */
    @Override
    public int parameterHash(String sql) {
        int n = bound;
        if (n == 0) {
            return sql.hashCode();
        }
        int h = 31 + v0;
        if (n > 1) {
            h = 31 * h + v1;
        }
        if (n > 2) {
            h = 31 * h + v2;
        }
        if (n > 3) {
            h = 31 * h + v3;
        }
        for (int i = 0; i < n - INLINE; i++) {
            h = 31 * h + more[i];
        }
        return h;
    }

    @Override
    final void bind(int index, int hash) {
        switch (index) {
            case 1 -> v0 = hash;
            case 2 -> v1 = hash;
            case 3 -> v2 = hash;
            case 4 -> v3 = hash;
            default -> {
                if (index < 1) {
                    return;
                }
                int[] m = more;
                if (m == null || index - INLINE > m.length) {
                    m = grow(index - INLINE);
                }
                m[index - INLINE - 1] = hash;
            }
        }
        if (index > bound) {
            bound = index;
        }
    }

    private int[] grow(int size) {
        int[] m = new int[Math.max(size, more == null ? 4 : more.length * 2)];
        if (more != null) {
            System.arraycopy(more, 0, m, 0, more.length);
        }
        more = m;
        return m;
    }

    /** A prepared statement's batch is known by its one SQL. */
    @Override
    String takeBatchSql() {
        return sql;
    }

    @Override
    public void clearParameters() throws SQLException {
        ps.clearParameters();
        v0 = 0;
        v1 = 0;
        v2 = 0;
        v3 = 0;
        if (more != null) {
            Arrays.fill(more, 0);
        }
        bound = 0;
    }
}
