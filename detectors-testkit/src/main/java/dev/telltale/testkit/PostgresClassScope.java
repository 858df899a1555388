package dev.telltale.testkit;

import dev.telltale.testkit.internal.PgDatabases;
import dev.telltale.testkit.internal.PgServer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The databases of one test class; JUnit closes it (and so drops them) when the class ends. */
final class PostgresClassScope implements AutoCloseable {
    private final PgServer server;
    private final List<String> databases = new ArrayList<>();
    private final TestPostgres main;

    PostgresClassScope(PgServer server) {
        this.server = server;
        this.main = newDatabase();
    }

    TestPostgres main() {
        return main;
    }

    synchronized TestPostgres newDatabase() {
        try {
            String name = PgDatabases.create(server);
            databases.add(name);
            return new TestPostgres(server, name, this);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create a test database on " + server.admin().redacted()
                    + " (source " + server.source() + "): " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        SQLException first = null;
        for (String name : databases) {
            try {
                PgDatabases.drop(server, name);
            } catch (SQLException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        databases.clear();
        if (first != null) {
            throw first;
        }
    }
}
