package dev.telltale.postgres.internal;

import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.DetectionTimeoutException;

import java.sql.SQLException;

/**
 * Turns what the driver throws into errors a person can read: the target, the query name, the
 * server's message and SQLSTATE, never the SQL text with bound values or the connection password.
 * A missing privilege becomes a {@code skipped} outcome that says what to grant; a query cancelled by the
 * statement timeout or the driver's query timeout (SQLSTATE 57014) a {@code timeout} outcome.
 */
public final class QueryFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String sqlState;

    private QueryFailure(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /** SQLSTATE of the server error, or empty when the failure did not come from the server. */
    public String sqlState() {
        return sqlState == null ? "" : sqlState;
    }

    static RuntimeException of(String target, String query, RuntimeException e) {
        if (e instanceof DetectionSkippedException || e instanceof DetectionTimeoutException || e instanceof QueryFailure) {
            return e;
        }
        SQLException sql = findSql(e);
        if (sql == null) {
            return e;
        }
        return of(target, query, sql);
    }

    static RuntimeException of(String target, String query, SQLException sql) {
        String state = sql.getSQLState();
        String message = firstLine(sql.getMessage());
        if ("42501".equals(state)) {
            return new DetectionSkippedException("query " + query + " on target '" + target + "' lacks a privilege ("
                    + message + "); grant pg_monitor to the role telltale connects as", sql);
        }
        if ("57014".equals(state)) {
            // the server's statement_timeout, or the driver's cancel when its query timeout ran out: the deadline
            return new DetectionTimeoutException("query " + query + " on target '" + target + "' was cancelled by its "
                    + "statement timeout: " + message + " (SQLSTATE 57014)", sql);
        }
        if (clientTimedOut(sql)) {
            return new DetectionTimeoutException("query " + query + " on target '" + target + "' got no answer within "
                    + "the client-side timeout: " + message, sql);
        }
        String what = switch (state == null ? "" : state) {
            case "55P03" -> "gave up waiting for a lock (lock_timeout)";
            default -> "failed";
        };
        return new QueryFailure("query " + query + " on target '" + target + "' " + what + ": " + message
                + (state == null ? "" : " (SQLSTATE " + state + ")"), state, sql);
    }

    /** The driver's socket read timeout (the network guard past the statement timeout) ran out. */
    private static boolean clientTimedOut(SQLException sql) {
        for (Throwable c = sql; c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketTimeoutException || c instanceof java.sql.SQLTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static SQLException findSql(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) {
                return s;
            }
            if (c != t) {
                break;
            }
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
