package dev.telltale.jvm.internal.jdbc;

import dev.telltale.jvm.internal.JdbcMonitor;
import dev.telltale.jvm.internal.Lease;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The application's data source, watched: every connection it hands out is a {@link WatchedConnection}
 * whose checkout and close the monitor sees. Plain delegating classes instead of dynamic proxies, so
 * a statement costs a few calls and one small object more than the driver's own.
 *
 * <p>{@code createConnectionBuilder()} is left at its default (unsupported): a builder of the delegate
 * would hand out connections nobody watches. The methods passed on unchanged are generated into
 * {@code DelegatingDataSource}.
 */
public final class WatchedDataSource extends DelegatingDataSource {
    private final JdbcMonitor monitor;

    public WatchedDataSource(DataSource delegate, JdbcMonitor monitor) {
        super(delegate);
        this.monitor = monitor;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c;
        try {
            c = delegate.getConnection();
        } catch (Throwable e) {
            monitor.connectFailed(e);
            throw e;
        }
        return watch(c);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Connection c;
        try {
            c = delegate.getConnection(username, password);
        } catch (Throwable e) {
            monitor.connectFailed(e);
            throw e;
        }
        return watch(c);
    }

    private Connection watch(Connection c) {
        if (c == null) {
            return null;
        }
        Lease lease = monitor.connected();
        return new WatchedConnection(c, monitor, lease);
    }

    /** The delegate when it is an {@code iface} (so {@code unwrap(HikariDataSource.class)} finds the pool), else whatever it unwraps to. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(delegate)) {
            return iface.cast(delegate);
        }
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(delegate) || delegate.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "watched " + delegate;
    }
}
