package dev.telltale.testkit;

import dev.telltale.testkit.internal.PgEndpoint;
import dev.telltale.testkit.internal.PgServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh PostgreSQL database of one test class, on a server found by {@link PostgresExtension}.
 * The database is dropped when the class ends; so is every database made by {@link #newDatabase()}.
 */
public final class TestPostgres {
    private static final Pattern STATEMENT_END = Pattern.compile(";[ \\t]*(?:\\R|$)");

    private final PgServer server;
    private final PgEndpoint endpoint;
    private final PostgresClassScope scope;

    TestPostgres(PgServer server, String database, PostgresClassScope scope) {
        this.server = server;
        this.endpoint = server.admin().withDatabase(database);
        this.scope = scope;
    }

    /** JDBC URL of this test database, carrying user and password. */
    public String jdbcUrl() {
        return endpoint.jdbcUrl();
    }

    public String host() {
        return endpoint.host();
    }

    public int port() {
        return endpoint.port();
    }

    public String user() {
        return endpoint.user();
    }

    /** The password, or an empty string when the server trusts the user. */
    public String password() {
        return endpoint.password();
    }

    public String database() {
        return endpoint.database();
    }

    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {endpoint.host()});
        ds.setPortNumbers(new int[] {endpoint.port()});
        ds.setDatabaseName(endpoint.database());
        ds.setUser(endpoint.user());
        if (!endpoint.password().isEmpty()) {
            ds.setPassword(endpoint.password());
        }
        return ds;
    }

    public Connection connect() throws SQLException {
        return endpoint.connect(10);
    }

    /**
     * Runs SQL on this database in order, in autocommit, on one new connection: each argument is a statement,
     * or a script of several, each ending with {@code ;} at the end of a line. Each statement runs on its own,
     * so a script may hold what a transaction block refuses ({@code vacuum}, {@code create index concurrently}).
     */
    public void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String script : sql) {
                for (String statement : STATEMENT_END.split(script)) {
                    if (!statement.isBlank()) {
                        s.execute(statement.strip());
                    }
                }
            }
        }
    }

    /** JDBC URL of the {@code postgres} database as the superuser, for server-wide setup. */
    public String adminJdbcUrl() {
        return server.admin().jdbcUrl();
    }

    /** {@code server_version_num}, e.g. 170005. */
    public int serverVersionNum() {
        return server.serverVersionNum();
    }

    /** Where the server came from: {@code env}, {@code testcontainers} or {@code embedded}. */
    public String source() {
        return server.source();
    }

    /**
     * Directory with the server's own binaries ({@code postgres}, {@code initdb}, {@code pg_ctl}, and
     * {@code pg_basebackup} when the distribution has it), for tests that start extra servers.
     */
    public Optional<Path> binDir() {
        return server.binDir();
    }

    /**
     * A process builder for one of {@link #binDir()}'s programs that PostgreSQL accepts as root:
     * there it runs in a user namespace ({@code unshare -U}), where it sees itself as {@code nobody}.
     *
     * @throws IllegalStateException when the binaries' directory is unknown for this source
     */
    public ProcessBuilder binary(String program, String... args) {
        Path dir = binDir().orElseThrow(() -> new IllegalStateException(
                "no PostgreSQL binaries known for source " + source() + " (server " + serverVersionNum() + ")"));
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(dir.resolve(program).toString());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** Another fresh database on the same server, dropped when the test class ends. */
    public TestPostgres newDatabase() {
        return scope.newDatabase();
    }

    @Override
    public String toString() {
        return "TestPostgres[" + source() + " " + serverVersionNum() + " " + endpoint.redacted() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TestPostgres other && endpoint.equals(other.endpoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoint);
    }
}
