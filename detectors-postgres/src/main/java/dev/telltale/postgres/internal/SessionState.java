package dev.telltale.postgres.internal;

import org.postgresql.PGConnection;
import org.postgresql.jdbc.PreferQueryMode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/**
 * What a session carries beyond a transaction: session-level advisory locks (a rollback does not release them)
 * and settings changed for the session. Taken when the connection opens, compared after each run of
 * configured SQL so that a check cannot leave a lock or a setting behind on the connection we keep.
 */
final class SessionState {
    private static final String SQL = "/* telltale:session check */ select (select count(*) from pg_catalog.pg_locks "
            + "where pid = pg_catalog.pg_backend_pid() and locktype = 'advisory') as advisory, (select "
            + "coalesce(string_agg(name || '=' || setting, ', ' order by name), '') from pg_catalog.pg_settings "
            + "where source = 'session') as settings";

    private final long advisoryLocks;
    private final String settings;

    private SessionState(long advisoryLocks, String settings) {
        this.advisoryLocks = advisoryLocks;
        this.settings = settings;
    }

    /** The state now; call outside a transaction (a {@code SET LOCAL} shows as a session setting). */
    static SessionState of(Connection c, Duration timeout) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(SQL)) {
            s.setQueryTimeout((int) Math.max(1, timeout.toSeconds() + 1));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new SessionState(rs.getLong(1), rs.getString(2));
            }
        }
    }

    /** What changed since this state was taken, in words, or null when nothing did. */
    String changesIn(Connection c, Duration timeout) throws SQLException {
        SessionState now = of(c, timeout);
        if (now.advisoryLocks > advisoryLocks) {
            return (now.advisoryLocks - advisoryLocks) + " advisory lock(s) held";
        }
        if (!Objects.equals(now.settings, settings)) {
            return "session settings now [" + now.settings + "], were [" + settings + "]";
        }
        return null;
    }

    /**
     * @throws SQLException when the connection is not the PostgreSQL driver's or would use the simple protocol
     */
    static void requireExtendedProtocol(String target, Connection c) throws SQLException {
        PGConnection pg;
        try {
            pg = c.unwrap(PGConnection.class);
        } catch (SQLException e) {
            throw new SQLException("target '" + target + "': integrity checks need a connection of the PostgreSQL JDBC "
                    + "driver, not " + c.getClass().getName(), e);
        }
        if (pg.getPreferQueryMode() == PreferQueryMode.SIMPLE) {
            throw new SQLException("target '" + target + "': integrity checks refuse preferQueryMode=simple (the simple "
                    + "protocol runs every statement of a text); remove it from the URL or use extended");
        }
    }
}
