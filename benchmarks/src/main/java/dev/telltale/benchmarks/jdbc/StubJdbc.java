package dev.telltale.benchmarks.jdbc;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * An in-memory JDBC "driver" that does nothing: connections, statements and result sets answer every
 * call at once with a default. It isolates the cost of the layers above it (wrappers, proxies, our
 * monitor); it is not a model of a database. Statements and result sets are shared instances, so the
 * stub itself allocates nothing per statement.
 */
public final class StubJdbc {
    private StubJdbc() {
    }

    private static Object defaultFor(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == float.class) {
            return 0f;
        }
        if (type == short.class) {
            return (short) 0;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        return null;
    }

    public static DataSource dataSource() {
        ResultSet resultSet = (ResultSet) Proxy.newProxyInstance(StubJdbc.class.getClassLoader(), new Class<?>[]{ResultSet.class},
                (p, m, a) -> m.getName().equals("next") ? Boolean.FALSE : defaultFor(m.getReturnType()));
        PreparedStatement[] statement = new PreparedStatement[1];
        Connection connection = (Connection) Proxy.newProxyInstance(StubJdbc.class.getClassLoader(), new Class<?>[]{Connection.class},
                (p, m, a) -> switch (m.getName()) {
                    case "prepareStatement", "createStatement" -> statement[0];
                    case "getAutoCommit" -> Boolean.TRUE;
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == a[0];
                    default -> defaultFor(m.getReturnType());
                });
        statement[0] = (PreparedStatement) Proxy.newProxyInstance(StubJdbc.class.getClassLoader(),
                new Class<?>[]{PreparedStatement.class},
                (p, m, a) -> switch (m.getName()) {
                    case "executeQuery" -> resultSet;
                    case "execute" -> Boolean.TRUE;
                    case "executeUpdate" -> 1;
                    case "getConnection" -> connection;
                    case "getQueryTimeout" -> 5;
                    case "executeBatch" -> new int[0];
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == a[0];
                    default -> defaultFor(m.getReturnType());
                });
        return new DataSource() {
            @Override
            public Connection getConnection() {
                return connection;
            }

            @Override
            public Connection getConnection(String username, String password) {
                return connection;
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() throws SQLFeatureNotSupportedException {
                throw new SQLFeatureNotSupportedException();
            }

            @Override
            public <T> T unwrap(Class<T> iface) {
                return null;
            }

            @Override
            public boolean isWrapperFor(Class<?> iface) {
                return false;
            }
        };
    }

}
