package dev.telltale.jvm.internal;

import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.MethodExecutionContext;
import net.ttddyy.dsproxy.listener.MethodExecutionListener;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.proxy.ParameterSetOperation;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The datasource-proxy listener of one wrapped data source. Per statement: one thread-local read for
 * the start time, one cache lookup for the fingerprint, one table update in the unit of work. Per
 * connection: a lease recorded at checkout and dropped at close, which is what the pool detectors read.
 */
public final class JdbcMonitor implements QueryExecutionListener, MethodExecutionListener {
    /** Above this many open leases (a non-pooled data source that never closes) new ones are not tracked. */
    static final int MAX_LEASES = 10_000;
    private static final ThreadLocal<long[]> START = ThreadLocal.withInitial(() -> new long[1]);

    private final String name;
    private final SqlFingerprints fingerprints;
    private final Scopes scopes;
    private final NPlusOneRegistry nPlusOne;
    private final StatementStats statements;
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
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

    @Override
    public void beforeQuery(ExecutionInfo info, List<QueryInfo> queries) {
        START.get()[0] = System.nanoTime();
    }

    @Override
    public void afterQuery(ExecutionInfo info, List<QueryInfo> queries) {
        long elapsed = System.nanoTime() - START.get()[0];
        int n = queries.size();
        if (n == 0) {
            return;
        }
        QueryInfo first = queries.get(0);
        String sql = first.getQuery();
        if (sql == null) {
            return;
        }
        Fingerprint f = fingerprints.of(sql);
        statements.executed(f, elapsed, info.getThrowable());
        if (f.withoutTimeout < 0) {
            checkTimeout(f, info.getStatement());
        }
        if (info.isBatch() || n > 1) {
            // A batch is one round trip however many rows it carries: never an N+1.
            return;
        }
        WorkState unit = scopes.current();
        if (unit == null) {
            Lease lease = leases.get(info.getConnectionId());
            if (lease == null) {
                return;
            }
            unit = lease.implicitUnit(name);
        }
        unit.record(f, elapsed, paramHash(info, first, sql));
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

    private static int paramHash(ExecutionInfo info, QueryInfo query, String sql) {
        List<List<ParameterSetOperation>> sets = query.getParametersList();
        if (sets == null || sets.isEmpty()) {
            // A plain statement carries its values in the SQL text.
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
            if (ctx.getMethod().getName().equals("getConnection")) {
                gotConnection(ctx);
            }
        } else if (owner == Connection.class || (owner == AutoCloseable.class && ctx.getTarget() instanceof Connection)) {
            String method = ctx.getMethod().getName();
            switch (method) {
                case "close" -> closed(ctx);
                case "commit", "rollback" -> {
                    if (ctx.getThrown() != null) {
                        // Serializable transactions are often refused at commit (40001), not at a statement.
                        statements.failed(fingerprints.of(method.toUpperCase(java.util.Locale.ROOT)), ctx.getThrown(), 0);
                    }
                    endTransaction(ctx);
                }
                case "setAutoCommit" -> {
                    Object[] args = ctx.getMethodArgs();
                    if (args != null && args.length == 1 && Boolean.FALSE.equals(args[0])) {
                        endTransaction(ctx);
                    }
                }
                default -> {
                }
            }
        }
    }

    private void gotConnection(MethodExecutionContext ctx) {
        Throwable thrown = ctx.getThrown();
        if (thrown != null) {
            acquireFailures.increment();
            if (thrown instanceof SQLTransientConnectionException
                    || (thrown.getMessage() != null && thrown.getMessage().contains("timed out"))) {
                acquireTimeouts.increment();
            }
            return;
        }
        if (ctx.getConnectionInfo() == null || leases.size() >= MAX_LEASES) {
            return;
        }
        String id = ctx.getConnectionInfo().getConnectionId();
        leases.put(id, new Lease(id, scopes.current(), Thread.currentThread(), System.nanoTime()));
    }

    private void closed(MethodExecutionContext ctx) {
        if (ctx.getConnectionInfo() == null) {
            return;
        }
        Lease lease = leases.remove(ctx.getConnectionInfo().getConnectionId());
        if (lease != null) {
            WorkState w = lease.endImplicit();
            if (w != null) {
                nPlusOne.unitEnded(w);
            }
        }
    }

    private void endTransaction(MethodExecutionContext ctx) {
        if (ctx.getConnectionInfo() == null) {
            return;
        }
        Lease lease = leases.get(ctx.getConnectionInfo().getConnectionId());
        if (lease != null) {
            WorkState w = lease.endImplicit();
            if (w != null) {
                nPlusOne.unitEnded(w);
            }
        }
    }

    /** The connections checked out now. */
    public List<Lease> leases() {
        return new ArrayList<>(leases.values());
    }

    public long acquireTimeouts() {
        return acquireTimeouts.sum();
    }

    public long acquireFailures() {
        return acquireFailures.sum();
    }
}
