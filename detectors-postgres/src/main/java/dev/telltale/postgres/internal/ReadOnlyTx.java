package dev.telltale.postgres.internal;

import dev.telltale.core.Finding;

import org.postgresql.core.BaseConnection;
import org.postgresql.core.Parser;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A read-only transaction on the target's connection, open for the duration of one detection, with the
 * statement and lock timeouts already set. It is the only way to the server: every query, whether a
 * {@link SqlFile} or SQL built at run time, goes through one path that
 * <ul>
 *   <li>gives the driver a timeout of what is left of the run's budget (the server's statement timeout,
 *       set for the transaction, applies as well);</li>
 *   <li>caps the result at the target's row limit ({@link #withRowCap} for a query that bounds itself);</li>
 *   <li>maps rows onto the query's record strictly ({@link RowMapping}): a column without a component, a
 *       component without a column or a type that does not convert fails, naming the query and the record;</li>
 *   <li>turns failures into {@link QueryFailure} (a missing privilege into a {@code skipped} outcome);</li>
 *   <li>counts the query and its rows ({@link QueryRunner#stats()}).</li>
 * </ul>
 */
public final class ReadOnlyTx {
    private final Connection connection;
    private final ServerProbe server;
    private final String targetName;
    private final int maxRows;
    private final long deadlineNanos;
    private final int maxTimeoutSeconds;
    private final QueryRunner.Counters counters;
    private final boolean oneStatement;
    private final ServerViews.Scope views;

    /**
     * @param deadlineNanos     {@link System#nanoTime()} at which the run's budget (plus the network margin) is spent
     * @param maxTimeoutSeconds the longest driver-side timeout of one query
     * @param views             the fleet's shared reads of server-wide views, or null for a target that reads alone
     */
    ReadOnlyTx(Connection connection, ServerProbe server, String targetName, int maxRows, long deadlineNanos,
               int maxTimeoutSeconds, QueryRunner.Counters counters, ServerViews.Scope views) {
        this(connection, server, targetName, maxRows, deadlineNanos, maxTimeoutSeconds, counters, false, views);
    }

    private ReadOnlyTx(Connection connection, ServerProbe server, String targetName, int maxRows, long deadlineNanos,
                       int maxTimeoutSeconds, QueryRunner.Counters counters, boolean oneStatement, ServerViews.Scope views) {
        this.views = views;
        this.oneStatement = oneStatement;
        this.connection = connection;
        this.server = server;
        this.targetName = targetName;
        this.maxRows = maxRows;
        this.deadlineNanos = deadlineNanos;
        this.maxTimeoutSeconds = maxTimeoutSeconds;
        this.counters = counters;
    }

    /** What the connection learned about the server when it was opened (null only inside the probe itself). */
    public ServerProbe server() {
        return server;
    }

    /**
     * The transactions the target's connection ended before this one (this one is not counted yet): what Telltale
     * itself added to the database's {@code xact_commit} and {@code xact_rollback}.
     */
    public QueryRunner.OwnTransactions ownTransactions() {
        return counters.own();
    }

    /** The row limit every query is capped at. */
    public int maxRows() {
        return maxRows;
    }

    /**
     * The same transaction with another row cap, for the few queries that bound their result in SQL
     * ({@code limit :cap}) and need more rows than the target's limit (a full read of a statistics view).
     */
    public ReadOnlyTx withRowCap(int rowCap) {
        if (rowCap < 1) {
            throw new IllegalArgumentException("rowCap: '" + rowCap + "' must be at least 1");
        }
        return new ReadOnlyTx(connection, server, targetName, rowCap, deadlineNanos, maxTimeoutSeconds, counters, oneStatement, views);
    }

    /**
     * The same transaction, refusing any SQL the driver would send as more than one statement: with the
     * extended protocol (which {@link QueryRunner#readUserSql} makes sure of) one statement is all the
     * server accepts in one Parse message, so text that a quote trick turned into two never leaves the client.
     */
    ReadOnlyTx oneStatementEach() {
        return new ReadOnlyTx(connection, server, targetName, maxRows, deadlineNanos, maxTimeoutSeconds, counters, true, views);
    }

    /** Whether this target shares its reads of server-wide views with the other targets of its fleet on this server. */
    public boolean sharesServerViews() {
        return views != null;
    }

    /**
     * A read of a server-wide view, shared with the targets of this target's fleet on the same server
     * ({@link ServerViews}): {@code read} runs on this transaction unless another target read it less than
     * {@code maxAge} ago and {@code reader} has not had that result yet. A target outside a fleet always reads.
     *
     * @param view   names the view and every parameter {@code read} depends on: one key for one result
     * @param reader the detector instance, so it never gets the same result twice
     */
    public <T> ServerViews.Shared<T> shared(String view, Object reader, Duration maxAge, Supplier<T> read) {
        if (views == null) {
            return new ServerViews.Shared<>(read.get(), Instant.now(), true);
        }
        return views.views().get(views.server(), view, reader, maxAge, deadlineNanos, read);
    }

    /**
     * Whether a row of a server-wide view that belongs to {@code database} (its {@code datname}; null for none) is
     * this target's to report: always outside a fleet; in a fleet, the rows of its own database, and those of
     * databases no target of the fleet watches for one target only ({@link ServerViews#owns}).
     */
    public boolean owns(String database) {
        return views == null || views.views().owns(views.server(), server.database(), database);
    }

    /**
     * Whether this target reports the causes that belong to the whole server (its connection limit, the shared lock
     * table, checkpoints, standbys and slots, cluster-wide settings): always outside a fleet; in a fleet, only the
     * target of the server's first database by name ({@link ServerViews#owns} of no database), so that such a cause is
     * one finding per server, not one per database watched.
     */
    public boolean reportsServer() {
        return owns(null);
    }

    /**
     * A finding about the whole server, named by the server in a fleet (evidence {@code server}: the address and port
     * it answered on; {@code system_identifier}), where the target that reports it stands for all the server's
     * databases; unchanged outside a fleet.
     */
    public Finding.Builder aboutServer(Finding.Builder finding) {
        if (views == null) {
            return finding;
        }
        return finding.evidence("server", views.address()).evidence("system_identifier", views.systemIdentifier());
    }

    /** {@link #shared} for a query whose result depends on its parameters only; the result's value. */
    public <R> List<R> sharedList(SqlFile<R> sql, Map<String, ?> params, Object reader, Duration maxAge) {
        return shared(key(sql, params), reader, maxAge, () -> list(sql, params)).value();
    }

    /** {@link #shared} for a query that always returns one row. */
    public <R> R sharedOne(SqlFile<R> sql, Map<String, ?> params, Object reader, Duration maxAge) {
        return shared(key(sql, params), reader, maxAge, () -> one(sql, params)).value();
    }

    private String key(SqlFile<?> sql, Map<String, ?> params) {
        return sql.name() + new java.util.TreeMap<>(params) + " cap " + maxRows;
    }

    /** Runs a query without parameters; at most the row cap comes back. */
    public <R> List<R> list(SqlFile<R> sql) {
        return list(sql, Map.of());
    }

    /** Runs a query with named parameters ({@code :name} in the SQL); at most the row cap comes back. */
    public <R> List<R> list(SqlFile<R> sql, Map<String, ?> params) {
        return run(sql.name(), sql.text(major()), params, sql.rowType(), maxRows);
    }

    /** The first row, if any (empty as well when a scalar query's one value is SQL null). */
    public <R> Optional<R> first(SqlFile<R> sql, Map<String, ?> params) {
        return first(run(sql.name(), sql.text(major()), params, sql.rowType(), 1));
    }

    /** The first row of a query that always returns one (an aggregate); a scalar may be null. */
    public <R> R one(SqlFile<R> sql, Map<String, ?> params) {
        return one(sql.name(), run(sql.name(), sql.text(major()), params, sql.rowType(), 1));
    }

    /**
     * Runs SQL built at run time (integrity checks over configured tables, {@code EXPLAIN}); values are
     * always bound as {@code :name} parameters, never spliced.
     *
     * @param purpose names the query in {@code pg_stat_activity} ({@code /* telltale:<purpose> *}{@code /}) and
     *                in errors
     * @param rowType the record (or single-column scalar type) each row maps onto
     */
    public <R> List<R> list(String purpose, String sql, Map<String, ?> params, Class<R> rowType) {
        return run(purpose, comment(purpose) + sql, params, rowType, maxRows);
    }

    /** The first row of SQL built at run time, if any. */
    public <R> Optional<R> first(String purpose, String sql, Map<String, ?> params, Class<R> rowType) {
        return first(run(purpose, comment(purpose) + sql, params, rowType, 1));
    }

    /** The one row of SQL built at run time that always returns one (an aggregate). */
    public <R> R one(String purpose, String sql, Map<String, ?> params, Class<R> rowType) {
        return one(purpose, run(purpose, comment(purpose) + sql, params, rowType, 1));
    }

    /**
     * Sets run-time parameters until the end of the transaction (what {@code SET LOCAL} does), through the
     * same path as every query.
     */
    public void setLocal(Map<String, String> settings) {
        String[] names = settings.keySet().toArray(String[]::new);
        String[] values = settings.values().toArray(String[]::new);
        one("set local", "select count(set_config(s.name, s.value, true)) from unnest(cast(:names as text[]), "
                + "cast(:values as text[])) as s(name, value)", Map.of("names", names, "values", values), Long.class);
    }

    /**
     * Runs {@code work} inside a savepoint with its own, shorter statement timeout, for a costly read that may
     * give up (a function that reads a whole relation): when it fails (timeout, lock timeout, missing privilege or
     * function), the transaction is rolled back to the savepoint and stays usable, and the result is empty. The
     * statement timeout in force before is restored either way.
     *
     * @param failed told why, when it failed
     */
    public <T> Optional<T> attempt(Duration statementTimeout, Supplier<T> work,
                                   java.util.function.Consumer<RuntimeException> failed) {
        java.sql.Savepoint savepoint;
        String before;
        try {
            before = one("attempt", "select current_setting('statement_timeout')", Map.of(), String.class);
            savepoint = connection.setSavepoint();
        } catch (SQLException e) {
            throw QueryFailure.of(targetName, "attempt", e);
        }
        try {
            setLocal(Map.of("statement_timeout", Long.toString(Math.max(1, statementTimeout.toMillis()))));
            T result = work.get();
            setLocal(Map.of("statement_timeout", before));
            connection.releaseSavepoint(savepoint);
            return Optional.ofNullable(result);
        } catch (RuntimeException e) {
            try {
                connection.rollback(savepoint); // undoes the timeout as well
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
                throw e;
            }
            failed.accept(e);
            return Optional.empty();
        } catch (SQLException e) {
            throw QueryFailure.of(targetName, "attempt", e);
        }
    }

    /**
     * From PostgreSQL 15 on, reads the cumulative statistics as one snapshot until the end of the transaction
     * ({@code stats_fetch_consistency = snapshot}), for a detector whose query reads the counters of every table or
     * index: building the snapshot once costs about a third less than fetching tens of thousands of entries one by
     * one, and every counter then comes from the same moment. Not for a detector that reads a few entries: the
     * snapshot holds every entry of the database.
     */
    public void statisticsSnapshot() {
        statisticsSnapshot(Map.of());
    }

    /** {@link #statisticsSnapshot()} and the given settings until the end of the transaction, in one statement. */
    public void statisticsSnapshot(Map<String, String> alsoSet) {
        Map<String, String> settings = new java.util.LinkedHashMap<>(alsoSet);
        if (major() >= 15) {
            settings.put("stats_fetch_consistency", "snapshot");
        }
        if (!settings.isEmpty()) {
            setLocal(settings);
        }
    }

    /** The server's major version; the oldest supported while the connection's own probe runs. */
    private int major() {
        return server == null ? SqlFile.OLDEST_MAJOR : server.major();
    }

    private <R> List<R> run(String name, String text, Map<String, ?> params, Class<R> rowType, int cap) {
        RowMapping<R> mapping = RowMapping.of(rowType);
        if (oneStatement) {
            requireOneStatement(name, text);
        }
        NamedSql named = NamedSql.of(text);
        try (PreparedStatement ps = connection.prepareStatement(named.sql())) {
            named.bind(ps, params, name);
            ps.setMaxRows(cap);
            ps.setQueryTimeout(timeoutSeconds());
            List<R> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                RowMapping.Rows<R> reader = mapping.bind(name, rs.getMetaData());
                while (rows.size() < cap && rs.next()) {
                    rows.add(reader.read(rs));
                }
            }
            counters.add(rows.size());
            return rows;
        } catch (SQLException e) {
            throw QueryFailure.of(targetName, name, e);
        } catch (RuntimeException e) {
            throw QueryFailure.of(targetName, name, e);
        }
    }

    private void requireOneStatement(String name, String text) {
        int statements;
        try {
            boolean standardStrings = connection.unwrap(BaseConnection.class).getStandardConformingStrings();
            // the driver's own splitter: what it finds is what it would send
            statements = Parser.parseJdbcSql(text, standardStrings, true, true, false, false).size();
        } catch (SQLException e) {
            throw new IllegalStateException("query " + name + " on target '" + targetName + "': cannot check that it is one "
                    + "statement: " + e.getMessage(), e);
        }
        if (statements != 1) {
            throw new IllegalStateException("query " + name + " on target '" + targetName + "': refused to send "
                    + statements + " statements where one was built");
        }
    }

    /** What is left of the run's budget, in the whole seconds the driver takes: at least 1, at most the cap. */
    private int timeoutSeconds() {
        long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        return (int) Math.max(1, Math.min(maxTimeoutSeconds, (left + 999) / 1000));
    }

    private static String comment(String purpose) {
        return "/* telltale:" + purpose.replace("*/", "* /") + " */\n";
    }

    private static <R> Optional<R> first(List<R> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    private <R> R one(String query, List<R> rows) {
        if (rows.isEmpty()) {
            throw new IllegalStateException("query " + query + " on target '" + targetName + "' returned no row");
        }
        return rows.get(0);
    }
}
