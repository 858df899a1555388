package dev.telltale.benchmarks.jdbc;

import dev.telltale.jvm.internal.JdbcMonitor;
import dev.telltale.jvm.internal.Lease;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.MethodExecutionContext;
import net.ttddyy.dsproxy.listener.MethodExecutionListener;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.proxy.ParameterSetOperation;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How {@code detectors-jvm} listened before it had its own wrapper: datasource-proxy's two listener
 * interfaces feeding the same {@link JdbcMonitor}. Kept here only so the benchmark can set the old path
 * beside the new one in one run; it does what the old listener did per statement (a thread-local start
 * time, the lease looked up by connection id, the bind values hashed from datasource-proxy's records,
 * and a look at every JDBC method call for commits and closes).
 */
final class DatasourceProxyListener implements QueryExecutionListener, MethodExecutionListener {
    private static final ThreadLocal<long[]> START = ThreadLocal.withInitial(() -> new long[1]);
    private final JdbcMonitor monitor;
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

    private DatasourceProxyListener(JdbcMonitor monitor) {
        this.monitor = monitor;
    }

    static DataSource wrap(DataSource ds, JdbcMonitor monitor) {
        DatasourceProxyListener l = new DatasourceProxyListener(monitor);
        return ProxyDataSourceBuilder.create(monitor.name(), ds).listener(l).methodListener(l).buildProxy();
    }

    @Override
    public void beforeQuery(ExecutionInfo info, List<QueryInfo> queries) {
        START.get()[0] = System.nanoTime();
    }

    @Override
    public void afterQuery(ExecutionInfo info, List<QueryInfo> queries) {
        long elapsed = System.nanoTime() - START.get()[0];
        if (queries.isEmpty()) {
            return;
        }
        QueryInfo first = queries.get(0);
        monitor.executed(first.getQuery(), elapsed, info.getThrowable(), info.getStatement(),
                info.isBatch() || queries.size() > 1, leases.get(info.getConnectionId()), sql -> paramHash(first, sql));
    }

    private static int paramHash(QueryInfo query, String sql) {
        List<List<ParameterSetOperation>> sets = query.getParametersList();
        if (sets == null || sets.isEmpty()) {
            return sql.hashCode();
        }
        List<ParameterSetOperation> ops = sets.get(0);
        int h = 1;
        for (int i = 0, m = ops.size(); i < m; i++) {
            Object[] args = ops.get(i).getArgs();
            if (args != null && args.length > 1) {
                Object v = args[1];
                h = 31 * h + (v == null ? 0 : v.hashCode());
            }
        }
        return h;
    }

    @Override
    public void beforeMethod(MethodExecutionContext ctx) {
    }

    @Override
    public void afterMethod(MethodExecutionContext ctx) {
        Class<?> owner = ctx.getMethod().getDeclaringClass();
        if (owner == DataSource.class) {
            if (ctx.getMethod().getName().equals("getConnection") && ctx.getThrown() == null && ctx.getConnectionInfo() != null) {
                Lease lease = monitor.connected();
                if (lease != null) {
                    leases.put(ctx.getConnectionInfo().getConnectionId(), lease);
                }
            }
        } else if (owner == Connection.class || (owner == AutoCloseable.class && ctx.getTarget() instanceof Connection)) {
            String method = ctx.getMethod().getName();
            switch (method) {
                case "close" -> monitor.closed(leases.remove(ctx.getConnectionInfo().getConnectionId()));
                case "commit", "rollback" -> monitor.transactionEnded(leases.get(ctx.getConnectionInfo().getConnectionId()),
                        method.toUpperCase(Locale.ROOT), ctx.getThrown());
                default -> {
                }
            }
        }
    }
}
