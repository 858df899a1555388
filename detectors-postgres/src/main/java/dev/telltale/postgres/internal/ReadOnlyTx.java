package dev.telltale.postgres.internal;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read-only transaction on the target's connection, open for the duration of one detection, with the
 * statement and lock timeouts already set. Queries are {@link SqlFile}s; the variant for the server's
 * version is picked here and every result is capped at the target's row limit.
 */
public final class ReadOnlyTx {
    private final Handle handle;
    private final ServerProbe server;
    private final String targetName;
    private final int maxRows;
    private final int queryTimeoutSeconds;

    private final QueryRunner.Counters counters;

    ReadOnlyTx(Handle handle, ServerProbe server, String targetName, int maxRows, int queryTimeoutSeconds,
               QueryRunner.Counters counters) {
        this.counters = counters;
        this.handle = handle;
        this.server = server;
        this.targetName = targetName;
        this.maxRows = maxRows;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /** What the connection learned about the server when it was opened. */
    public ServerProbe server() {
        return server;
    }

    /** Runs a query without parameters; at most the target's row limit comes back. */
    public <T> List<T> list(SqlFile sql, RowMapper<T> mapper) {
        return list(sql, Map.of(), mapper);
    }

    /** Runs a query with named parameters ({@code :name} in the SQL); at most the target's row limit comes back. */
    public <T> List<T> list(SqlFile sql, Map<String, ?> params, RowMapper<T> mapper) {
        try (Query q = prepare(sql, params)) {
            List<T> rows = q.map(mapper).list();
            counters.add(rows.size());
            return rows;
        } catch (RuntimeException e) {
            throw QueryFailure.of(targetName, sql.name(), e);
        }
    }

    /** The first row, if any. */
    public <T> Optional<T> first(SqlFile sql, Map<String, ?> params, RowMapper<T> mapper) {
        try (Query q = prepare(sql, params)) {
            Optional<T> row = q.setMaxRows(1).map(mapper).findFirst();
            counters.add(row.isPresent() ? 1 : 0);
            return row;
        } catch (RuntimeException e) {
            throw QueryFailure.of(targetName, sql.name(), e);
        }
    }

    /** The first row of a query that always returns one (an aggregate). */
    public <T> T one(SqlFile sql, Map<String, ?> params, RowMapper<T> mapper) {
        return first(sql, params, mapper).orElseThrow(() -> new IllegalStateException(
                "query " + sql.name() + " on target '" + targetName + "' returned no row"));
    }

    /** The row limit every query is capped at. */
    public int maxRows() {
        return maxRows;
    }

    /** The JDBI handle, for the rare query that does not fit the methods above; it stays read-only. */
    public Handle handle() {
        return handle;
    }

    private Query prepare(SqlFile sql, Map<String, ?> params) {
        Query q = handle.createQuery(sql.text(server.major()));
        q.bindMap(params);
        q.setMaxRows(maxRows);
        q.setQueryTimeout(queryTimeoutSeconds);
        return q;
    }
}
