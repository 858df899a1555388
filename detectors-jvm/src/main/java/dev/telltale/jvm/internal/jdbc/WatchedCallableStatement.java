package dev.telltale.jvm.internal.jdbc;

import java.sql.CallableStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * A callable statement of a {@link WatchedConnection}. Values bound by parameter name are hashed into a
 * map allocated on the first such bind: calls by name are rare enough not to need the index path's care.
 * The delegation and the setters that call {@link #bindNamed} are generated into {@code DelegatingCallableStatement}.
 */
public final class WatchedCallableStatement extends DelegatingCallableStatement {
    private Map<String, Integer> named;

    WatchedCallableStatement(CallableStatement delegate, WatchedConnection connection, String sql) {
        super(delegate, connection, sql);
    }

    @Override
    public int parameterHash(String sql) {
        int h = super.parameterHash(sql);
        return named == null ? h : 31 * h + named.hashCode();
    }

    @Override
    void bindNamed(String name, int hash) {
        if (named == null) {
            named = new HashMap<>();
        }
        named.put(name, hash);
    }

    @Override
    public void clearParameters() throws SQLException {
        super.clearParameters();
        named = null;
    }
}
