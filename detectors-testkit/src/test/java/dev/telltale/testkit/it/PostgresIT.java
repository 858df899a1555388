package dev.telltale.testkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(PostgresExtension.class)
class PostgresIT {
    private static TestPostgres fromBeforeAll;
    private final TestPostgres fromConstructor;
    private TestPostgres fromBeforeEach;

    PostgresIT(TestPostgres pg) {
        this.fromConstructor = pg;
    }

    @BeforeAll
    static void beforeAll(TestPostgres pg) {
        fromBeforeAll = pg;
    }

    @BeforeEach
    void beforeEach(TestPostgres pg) {
        fromBeforeEach = pg;
    }

    @Test
    void oneDatabaseForTheWholeClass(TestPostgres pg) {
        assertThat(pg.database()).matches("tt_[0-9a-f]{12}");
        assertThat(fromBeforeAll).isSameAs(pg);
        assertThat(fromConstructor).isSameAs(pg);
        assertThat(fromBeforeEach).isSameAs(pg);
    }

    @Test
    void runsRealQueriesThroughEveryWayIn(TestPostgres pg) throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)");
            s.execute("INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 10) g");
        }
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_database(), count(*) FROM orders")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(pg.database());
            assertThat(rs.getLong(2)).isEqualTo(10);
        }
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(pg.user());
        }
        try (Connection c = DriverManager.getConnection(pg.adminJdbcUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_database(), rolsuper FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("postgres");
            assertThat(rs.getBoolean(2)).as("admin is superuser").isTrue();
        }
    }

    @Test
    void sourceAndServerAreDescribed(TestPostgres pg) throws SQLException {
        if (System.getenv("TELLTALE_TEST_POSTGRES_URL") != null) {
            assertThat(pg.source()).isEqualTo("env");
        }
        assertThat(pg.source()).isIn("env", "testcontainers", "embedded");
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            assertThat(pg.serverVersionNum()).isEqualTo(rs.getInt(1)).isGreaterThanOrEqualTo(130000);
        }
        if (pg.source().equals("env")) {
            Path machineBin = Path.of("/usr/lib/postgresql/" + pg.serverVersionNum() / 10000 + "/bin");
            if (Files.isExecutable(machineBin.resolve("postgres"))) {
                assertThat(pg.binDir()).contains(machineBin);
            }
        }
        pg.binDir().ifPresent(dir -> assertThat(dir.resolve("postgres")).isExecutable());
    }

    @Test
    void pgStatStatementsIsThereWhenTheServerPreloadsIt(TestPostgres pg) throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            ResultSet preload = s.executeQuery("SHOW shared_preload_libraries");
            preload.next();
            if (!preload.getString(1).contains("pg_stat_statements")) {
                return; // a user's server may not preload it; ours (CI, embedded, container) all do
            }
            ResultSet ext = s.executeQuery("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'");
            ext.next();
            assertThat(ext.getInt(1)).isEqualTo(1);
            ResultSet rows = s.executeQuery("SELECT count(*) FROM pg_stat_statements");
            rows.next();
            assertThat(rows.getLong(1)).isNotNegative();
        }
    }

    @Test
    void newDatabaseIsAnotherFreshOne(TestPostgres pg) throws SQLException {
        TestPostgres other = pg.newDatabase();
        assertThat(other.database()).isNotEqualTo(pg.database()).startsWith("tt_");
        assertThat(other.source()).isEqualTo(pg.source());
        try (Connection c = other.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void executeRunsEachStatementOfAScriptOnItsOwn(TestPostgres pg) throws SQLException {
        pg.execute("""
                create table scripted (id int primary key, note text);
                -- a comment, and a semicolon inside a string, stay with their statement
                insert into scripted values (1, 'a; b'), (2, 'c');
                vacuum scripted;
                """, "insert into scripted values (3, 'd')");
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), max(note) FILTER (WHERE id = 1) FROM scripted")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
            assertThat(rs.getString(2)).isEqualTo("a; b");
        }
    }

    /** An extension registered after the kit's finds the class's database through it. */
    static final class SeesTheDatabase implements BeforeAllCallback {
        static volatile TestPostgres seen;

        @Override
        public void beforeAll(ExtensionContext context) {
            seen = PostgresExtension.database(context);
        }
    }

    @RegisterExtension
    static final SeesTheDatabase SEES = new SeesTheDatabase();

    @Test
    void anExtensionRegisteredAfterTheKitGetsTheSameDatabase(TestPostgres pg) {
        assertThat(SeesTheDatabase.seen).isEqualTo(pg);
    }
}
