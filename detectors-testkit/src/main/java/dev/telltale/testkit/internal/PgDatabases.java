package dev.telltale.testkit.internal;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/** Creates and drops the throw-away databases that isolate test classes from each other. */
public final class PgDatabases {
    private static final SecureRandom RANDOM = new SecureRandom();

    private PgDatabases() {
    }

    /** Creates {@code tt_<random>} and installs pg_stat_statements there when the server has it. */
    public static String create(PgServer server) throws SQLException {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        String name = "tt_" + HexFormat.of().formatHex(bytes);
        try (Connection admin = server.admin().connect(10); Statement s = admin.createStatement()) {
            // template0: nobody connects to it, so concurrent JVMs never trip over "source database is being accessed"
            s.execute("CREATE DATABASE " + name + " TEMPLATE template0");
        }
        try (Connection db = server.admin().withDatabase(name).connect(10); Statement s = db.createStatement()) {
            if (available(s, "pg_stat_statements")) {
                try {
                    s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                } catch (SQLException e) {
                    // tests that need it check for it and skip with a reason; the database is still useful
                }
            }
        }
        return name;
    }

    public static void drop(PgServer server, String name) throws SQLException {
        try (Connection admin = server.admin().connect(10); Statement s = admin.createStatement()) {
            if (server.serverVersionNum() >= 130000) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } else {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
                s.execute("DROP DATABASE IF EXISTS " + name);
            }
        }
    }

    private static boolean available(Statement s, String extension) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = '" + extension + "'")) {
            return rs.next();
        }
    }
}
