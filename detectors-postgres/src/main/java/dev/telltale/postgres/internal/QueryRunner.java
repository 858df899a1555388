package dev.telltale.postgres.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The one way detectors talk to a PostgreSQL target: a dedicated connection, opened lazily and reopened
 * after a failure, on which detections run one at a time, each inside
 * <pre>BEGIN; SET TRANSACTION READ ONLY; SET LOCAL statement_timeout; SET LOCAL lock_timeout; ... COMMIT</pre>
 * with a client-side network timeout as well, so that a half-open link cannot hang a detector. A transaction whose
 * work succeeded ends with COMMIT (for a read-only transaction the same as a rollback, but counted in
 * {@code pg_stat_database.xact_commit}): Telltale's own reads must not show as rolled-back transactions to
 * {@code postgres.rollbacks} or to any other tool's rollback-ratio alert. One that failed is rolled back. The runner
 * counts both ({@link #ownTransactions()}) so a detector of transaction counters can leave them out.
 *
 * <p>Thread-safe: callers queue on a fair lock, bounded by their own budget.
 */
public final class QueryRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryRunner.class);
    private static final SqlFile<ProbeRow> PROBE = SqlFile.load(QueryRunner.class, "probe", ProbeRow.class);
    private static final SqlFile<Extension> EXTENSIONS = SqlFile.load(QueryRunner.class, "extensions", Extension.class);
    private static final SqlFile<Identity> IDENTITY = SqlFile.load(QueryRunner.class, "server-identity", Identity.class);
    /** Below this a statement timeout would cancel even the cheapest view read on a busy server. */
    private static final Duration MIN_STATEMENT_TIMEOUT = Duration.ofMillis(200);
    /** Budgets beyond this are treated as this, so the deadline arithmetic cannot overflow. */
    private static final Duration MAX_RUN = Duration.ofDays(1);

    private record ProbeRow(int versionNum, String version, boolean inRecovery, String role, String database,
                            boolean superuser, boolean seesAllSessions, int backendPid) {
    }

    private record Extension(String extname, String extversion) {
    }

    private record Identity(String systemIdentifier, String host, int port, String started) {
        String key() {
            return systemIdentifier + "@" + host + ":" + port + " started " + started;
        }
    }

    /** A unit of work inside one read-only transaction. */
    @FunctionalInterface
    public interface TxWork<T> {
        T run(ReadOnlyTx tx) throws Exception;
    }

    private final String targetName;
    private final String description;
    private final DataSource dataSource;
    private final RunnerConfig config;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final ServerViews views;
    private Connection handle;
    private ServerProbe probe;
    /** Where the connection's reads of server-wide views are shared; null outside a fleet or while not connected. */
    private volatile ServerViews.Scope scope;
    private SessionState sessionBaseline;
    private boolean closed;
    private long connectionsOpened;
    private final Counters counters = new Counters();

    /**
     * @param targetName  the configured target name, used in messages
     * @param description where the target is, already redacted (no password)
     * @param dataSource  where connections come from
     * @param config      timeouts, row cap, and whether to {@code SET application_name} after connecting (a
     *                    user's {@code DataSource} may not let us set it in the startup packet)
     */
    public QueryRunner(String targetName, String description, DataSource dataSource, RunnerConfig config) {
        this(targetName, description, dataSource, config, null);
    }

    /** @param views the fleet's shared reads of server-wide views ({@link ServerViews}); null to read alone */
    public QueryRunner(String targetName, String description, DataSource dataSource, RunnerConfig config, ServerViews views) {
        this.views = views;
        this.targetName = Objects.requireNonNull(targetName, "targetName");
        this.description = Objects.requireNonNull(description, "description");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Runs {@code work} in a read-only transaction within {@code budget} (the time the caller has left).
     * The statement timeout is the configured one or the budget, whichever is shorter.
     *
     * @throws SQLException with a message naming the target when the server cannot be reached or the
     *                      transaction cannot be set up; query errors come from {@link ReadOnlyTx} as
     *                      {@link QueryFailure} or {@link dev.telltale.core.DetectionSkippedException}
     */
    public <T> T read(String purpose, Duration budget, TxWork<T> work) throws Exception {
        return read(purpose, budget, false, NOT_TOLD, work);
    }

    /**
     * {@link #read(String, Duration, TxWork)} that tells {@code queued} how long it waited for the connection (held by
     * another detection of this target): time the caller reports as queue time, not as its own. The transaction's
     * budget is what is left of {@code budget} after the wait.
     */
    public <T> T read(String purpose, Duration budget, Consumer<Duration> queued, TxWork<T> work) throws Exception {
        return read(purpose, budget, false, queued, work);
    }

    private static final Consumer<Duration> NOT_TOLD = d -> { };

    private <T> T read(String purpose, Duration budget, boolean userSql, Consumer<Duration> queued, TxWork<T> work)
            throws Exception {
        Duration waited = Turns.take(lock, budget, queued, targetName, purpose);
        budget = budget.minus(waited);
        if (budget.isNegative()) {
            budget = Duration.ZERO;
        }
        try {
            if (closed) {
                throw new IllegalStateException("target '" + targetName + "' is closed");
            }
            Duration statementTimeout = min(config.statementTimeout(), budget);
            if (statementTimeout.compareTo(MIN_STATEMENT_TIMEOUT) < 0) {
                statementTimeout = MIN_STATEMENT_TIMEOUT;
            }
            Connection h = connection();
            boolean ok = false;
            try {
                T result;
                if (userSql) {
                    SessionState.requireExtendedProtocol(targetName, h);
                    if (sessionBaseline == null) {
                        sessionBaseline = SessionState.of(h, config.statementTimeout());
                    }
                    String dirt;
                    try {
                        result = inTransaction(h, statementTimeout, budget, tx -> work.run(tx.oneStatementEach()));
                    } finally {
                        dirt = dropIfChanged(h, purpose, statementTimeout);
                    }
                    if (dirt != null) {
                        ok = true;
                        throw new IllegalStateException(purpose + " left the session changed (" + dirt
                                + "); the connection was dropped");
                    }
                } else {
                    result = inTransaction(h, statementTimeout, budget, work);
                }
                ok = true;
                return result;
            } finally {
                if (!ok && isBroken(h)) {
                    discard("after a failure in " + purpose);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #read} for SQL that embeds configured fragments (integrity checks): the connection must use the
     * extended protocol (never {@code preferQueryMode=simple}, where the server runs every statement of a text),
     * each query must be one statement to the driver as well, and afterwards the session must be as it was (no
     * advisory lock held, no session setting changed); a session left otherwise is dropped and the run fails.
     */
    public <T> T readUserSql(String purpose, Duration budget, TxWork<T> work) throws Exception {
        return read(purpose, budget, true, NOT_TOLD, work);
    }

    /** Drops the connection when its session is not as it was when opened (or cannot be checked); says why. */
    private String dropIfChanged(Connection h, String purpose, Duration timeout) {
        String dirt;
        try {
            dirt = sessionBaseline == null ? "no baseline" : sessionBaseline.changesIn(h, timeout);
        } catch (SQLException | RuntimeException e) {
            dirt = "it could not be checked: " + e.getMessage();
        }
        if (dirt != null) {
            LOG.warn("target '{}': {} left the session changed ({}); dropping its connection", targetName, purpose, dirt);
            discard(null);
        }
        return dirt;
    }

    /** The probe of the current connection, opening one if needed. */
    public ServerProbe probe(Duration budget) throws Exception {
        return read("probe", budget, ReadOnlyTx::server);
    }

    /**
     * The key of the server this target's connection reached ({@link ServerViews}), when the target is in a fleet and
     * connected; empty otherwise. Never waits: a connection busy with a detection answers from what it knew.
     */
    public Optional<String> fleetServer() {
        ServerViews.Scope s = scope;
        return s == null ? Optional.empty() : Optional.of(s.server());
    }

    /** How many connections this runner has opened so far (1 unless the server went away). */
    public long connectionsOpened() {
        return connectionsOpened;
    }

    /** Queries run and rows read through {@link ReadOnlyTx} since the runner was made: the cost we put on the server. */
    public Stats stats() {
        return new Stats(counters.queries.sum(), counters.rows.sum());
    }

    /** @param queries queries run, @param rows rows they returned */
    public record Stats(long queries, long rows) {
    }

    /**
     * Transactions this runner's connections ended so far, by how: every one ran in the target's own database and
     * is in that database's {@code xact_commit} or {@code xact_rollback} once the server flushed its statistics.
     */
    public OwnTransactions ownTransactions() {
        return counters.own();
    }

    /** @param commits transactions committed (every read that succeeded), @param rollbacks those rolled back after a failure */
    public record OwnTransactions(long commits, long rollbacks) {
    }

    static final class Counters {
        private final java.util.concurrent.atomic.LongAdder queries = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder rows = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder commits = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder rollbacks = new java.util.concurrent.atomic.LongAdder();

        OwnTransactions own() {
            return new OwnTransactions(commits.sum(), rollbacks.sum());
        }

        void add(int rowCount) {
            queries.increment();
            rows.add(rowCount);
        }
    }

    /** Whether a connection is open right now. */
    public boolean connected() {
        lock.lock();
        try {
            return handle != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            discard(null);
        } finally {
            lock.unlock();
        }
    }

    private <T> T inTransaction(Connection c, Duration statementTimeout, Duration budget, TxWork<T> work) throws Exception {
        long start = System.nanoTime();
        // the client-side guard: longer than the server-side timeout so the server normally answers first
        int networkMillis = (int) Math.min(Integer.MAX_VALUE, statementTimeout.plus(config.networkMargin()).toMillis());
        c.setNetworkTimeout(Runnable::run, networkMillis);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("/* telltale */ set transaction read only; "
                    + "set local statement_timeout = " + statementTimeout.toMillis() + "; "
                    + "set local lock_timeout = " + config.lockTimeout().toMillis() + "; "
                    // catalogue queries are costed high on big schemas, so JIT compiles them for far longer than they run
                    + (config.allowJit() ? "" : "set local jit = off; ")
                    // if this client stalls mid-detection, the server ends the session instead of holding a snapshot
                    + "set local idle_in_transaction_session_timeout = " + networkMillis);
        } catch (SQLException e) {
            safeRollback(c);
            throw QueryFailure.of(targetName, "begin read only", e);
        }
        try {
            int queryTimeoutSeconds = (int) Math.max(1, (networkMillis + 999) / 1000);
            // the driver gives up on a query once the run's budget (plus the margin) is spent
            Duration run = budget.compareTo(MAX_RUN) > 0 ? MAX_RUN : budget;
            long deadline = start + run.plus(config.networkMargin()).toNanos();
            T result;
            try {
                result = work.run(new ReadOnlyTx(c, probe, targetName, config.maxRows(), deadline, queryTimeoutSeconds, counters, scope));
            } catch (dev.telltale.core.DetectionSkippedException | dev.telltale.core.DetectionNotApplicableException e) {
                // a detector that decided not to look ended nothing in error: commit like a success (a skip that a
                // refused query caused left the transaction aborted, and the commit fails into the rollback below)
                commitQuietly(c);
                throw e;
            }
            commit(c);
            return result;
        } finally {
            safeRollback(c);
        }
    }

    private Connection connection() throws SQLException {
        if (handle != null) {
            return handle;
        }
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw new SQLException("cannot connect to target '" + targetName + "' (" + description + "): "
                    + e.getMessage(), e.getSQLState(), e);
        }
        try {
            if (config.setApplicationName()) {
                try (Statement s = c.createStatement()) {
                    s.execute("/* telltale */ set application_name = 'telltale'");
                }
            }
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            handle = c;
            probe = readProbe(c);
            // the session's baseline is taken before the first configured SQL runs on it (only integrity checks need it,
            // and a fleet opens a hundred connections that never run any)
            sessionBaseline = null;
            connectionsOpened++;
            LOG.debug("target '{}' connected to {}: {}", targetName, description, probe);
            return c;
        } catch (SQLException | RuntimeException e) {
            handle = null;
            probe = null;
            closeQuietly(c);
            if (e instanceof SQLException s) {
                throw new SQLException("cannot set up the connection to target '" + targetName + "' (" + description
                        + "): " + s.getMessage(), s.getSQLState(), s);
            }
            throw e;
        }
    }

    private ServerProbe readProbe(Connection c) throws SQLException {
        c.setNetworkTimeout(Runnable::run, (int) config.statementTimeout().plus(config.networkMargin()).toMillis());
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("/* telltale */ set transaction read only; set local statement_timeout = "
                    + config.statementTimeout().toMillis() + "; set local lock_timeout = " + config.lockTimeout().toMillis());
            int timeoutSeconds = (int) Math.max(1, config.statementTimeout().plus(config.networkMargin()).toSeconds());
            // no probe yet: the probe's own queries are the oldest server's variant
            ReadOnlyTx tx = new ReadOnlyTx(c, null, targetName, config.maxRows(),
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds), timeoutSeconds, counters, null);
            ProbeRow row = tx.one(PROBE, Map.of());
            Map<String, String> extensions = new HashMap<>();
            tx.list(EXTENSIONS).forEach(e -> extensions.put(e.extname(), e.extversion()));
            if (views != null) {
                Identity id = tx.one(IDENTITY, Map.of());
                scope = new ServerViews.Scope(views, id.key(), id.host() + ":" + id.port(), id.systemIdentifier());
                views.watch(scope.server(), row.database());
            }
            commit(c);
            return new ServerProbe(row.versionNum(), row.version(), row.inRecovery(), row.role(), row.database(),
                    row.superuser(), row.seesAllSessions(), row.backendPid(), extensions);
        } catch (RuntimeException e) {
            RuntimeException f = QueryFailure.of(targetName, "probe", e);
            if (f.getCause() instanceof SQLException s) {
                throw s;
            }
            throw f;
        } finally {
            safeRollback(c);
        }
    }

    private boolean isBroken(Connection c) {
        try {
            return c.isClosed() || !c.isValid(Math.max(1, (int) config.networkMargin().toSeconds()));
        } catch (SQLException | RuntimeException e) {
            return true;
        }
    }

    private void discard(String why) {
        Connection h = handle;
        handle = null;
        probe = null;
        scope = null;
        if (h != null) {
            if (why != null) {
                LOG.info("target '{}': dropping its connection to {} {}; the next detection reconnects", targetName, description, why);
            }
            closeQuietly(h);
        }
    }

    /** Ends a transaction whose work succeeded; a commit that fails leaves it to {@link #safeRollback}. */
    private void commit(Connection c) throws SQLException {
        c.commit();
        counters.commits.increment();
        c.setAutoCommit(true);
    }

    private void commitQuietly(Connection c) {
        try {
            commit(c);
        } catch (SQLException | RuntimeException e) {
            LOG.trace("commit failed", e);
        }
    }

    private void safeRollback(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                counters.rollbacks.increment();
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException | RuntimeException e) {
            // the connection is likely gone; isBroken() decides whether to drop it
            LOG.trace("rollback failed", e);
        }
    }

    private void closeQuietly(Connection c) {
        if (config.setApplicationName() && c != null) {
            try (Statement s = c.createStatement()) {
                // the connection may go back to the user's pool: leave it as we found it
                s.execute("reset application_name");
            } catch (SQLException | RuntimeException ignored) {
                // going away anyway
            }
        }
        try {
            if (c != null && !c.isClosed()) {
                c.close();
            }
        } catch (SQLException | RuntimeException ignored) {
            // closing a broken connection
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Settings of a runner; validated by {@code PostgresTarget.Builder}. */
    public record RunnerConfig(Duration statementTimeout, Duration lockTimeout, Duration networkMargin, int maxRows,
                               boolean setApplicationName, boolean allowJit) {
        public RunnerConfig {
            Objects.requireNonNull(statementTimeout, "statementTimeout");
            Objects.requireNonNull(lockTimeout, "lockTimeout");
            Objects.requireNonNull(networkMargin, "networkMargin");
        }
    }
}
