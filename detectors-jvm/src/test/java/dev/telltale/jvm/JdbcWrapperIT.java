package dev.telltale.jvm;

import com.zaxxer.hikari.HikariDataSource;
import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.jvm.internal.JdbcStatementsDetector;
import dev.telltale.jvm.internal.NPlusOneDetector;
import dev.telltale.jvm.internal.PoolSaturationDetector;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;

import javax.sql.DataSource;
import java.sql.BatchUpdateException;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The JDBC wrapper {@link TelltaleJvm#wrap} returns, on a real PostgreSQL through HikariCP: it answers
 * like the pool and driver under it (unwrap, identity, close, batches, errors) while the detectors see
 * every statement.
 */
@ExtendWith(PostgresExtension.class)
class JdbcWrapperIT {
    private static final Map<String, String> FAST_N_PLUS_ONE = Map.of("min-total-time", "0s");
    private static HikariDataSource hikari;

    @BeforeAll
    static void schema(TestPostgres postgres) throws SQLException {
        hikari = new Pg(postgres).pool("wrapped", 4);
        postgres.execute("""
                create table items (id bigint primary key, name text not null);
                insert into items select g, 'item ' || g from generate_series(1, 20) g;
                create table log (id bigint primary key);
                """);
    }

    @AfterAll
    static void close() {
        hikari.close();
    }

    @Test
    void unwrapReachesThePoolAndTheDriverAndThePoolKeepsItsName() throws Exception {
        TelltaleJvm telltale = TelltaleJvm.builder().build();
        DataSource ds = telltale.wrap(hikari);
        assertThat(ds).isNotSameAs(hikari);
        assertThat(ds.isWrapperFor(HikariDataSource.class)).isTrue();
        assertThat(ds.unwrap(HikariDataSource.class)).isSameAs(hikari);
        assertThat(ds.isWrapperFor(PGConnection.class)).isFalse();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            assertThat(c.isWrapperFor(PGConnection.class)).isTrue();
            assertThat(c.unwrap(PGConnection.class).getBackendPID()).isPositive();
            assertThat(s.isWrapperFor(PGStatement.class)).isTrue();
            assertThat(s.unwrap(PGStatement.class)).isNotNull();
        }
        // the pool was found under the wrapper's name, the pool's own
        Detection d = Detect.run(telltale.detector(PoolSaturationDetector.ID), Map.of());
        assertThat(Detect.signal(d, "pool.utilization", "wrapped")).isBetween(0.0, 1.0);
    }

    @Test
    void statementsHandBackTheWrappingConnection() throws Exception {
        DataSource ds = TelltaleJvm.builder().build().wrap("identity-db", hikari);
        try (Connection c = ds.getConnection();
             Statement s = c.createStatement();
             PreparedStatement ps = c.prepareStatement("select name from items where id = ?");
             CallableStatement cs = c.prepareCall("{? = call upper(?)}")) {
            assertThat(s.getConnection()).isSameAs(c);
            assertThat(ps.getConnection()).isSameAs(c);
            assertThat(cs.getConnection()).isSameAs(c);
            assertThat(c.unwrap(Connection.class)).isNotSameAs(c);
            ps.setLong(1, 3);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("item 3");
            }
            cs.registerOutParameter(1, Types.VARCHAR);
            cs.setString(2, "abc");
            cs.execute();
            assertThat(cs.getString(1)).isEqualTo("ABC");
        }
    }

    @Test
    void closingGivesTheConnectionBackAndClosesItsStatements() throws Exception {
        DataSource ds = TelltaleJvm.builder().build().wrap("close-db", hikari);
        Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("select 1");
        ps.executeQuery().close();
        assertThat(hikari.getHikariPoolMXBean().getActiveConnections()).isPositive();
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThat(ps.isClosed()).as("the pool closes what the connection opened").isTrue();
        c.close(); // a second close is harmless, as JDBC requires
        await().atMost(Duration.ofSeconds(30)).until(() -> hikari.getHikariPoolMXBean().getActiveConnections() == 0);
        SQLException afterClose = catchThrowableOfType(SQLException.class, () -> c.createStatement());
        assertThat((Throwable) afterClose).isNotNull();
    }

    @Test
    void driverErrorsComeThroughUnchangedAndAreCounted() throws Exception {
        TelltaleJvm telltale = TelltaleJvm.builder().build();
        DataSource ds = telltale.wrap("errors-db", hikari);
        SQLException raw;
        try (Connection c = hikari.getConnection(); Statement s = c.createStatement()) {
            raw = catchThrowableOfType(SQLException.class, () -> s.execute("select * from no_such_table"));
        }
        SQLException wrapped;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            wrapped = catchThrowableOfType(SQLException.class, () -> s.execute("select * from no_such_table"));
        }
        assertThat((Throwable) wrapped).isNotNull().hasSameClassAs(raw).hasMessage(raw.getMessage());
        assertThat(wrapped.getSQLState()).isEqualTo("42P01");
        assertThat(wrapped.getStackTrace()[0].getClassName()).startsWith("org.postgresql.");
        Detection d = Detect.run(telltale.detector(JdbcStatementsDetector.ID), Map.of());
        assertThat(Detect.signal(d, "jdbc.statement.errors", "other")).isEqualTo(1);
    }

    @Test
    void aBatchRunsOnceAndIsNeverAnNPlusOne() throws Exception {
        Watched w = Watched.pool(hikari, "batch-db", NPlusOneDetector.ID, FAST_N_PLUS_ONE);
        for (int round = 0; round < 3; round++) {
            try (var work = w.telltale().unitOfWork("POST /log"); Connection c = w.ds().getConnection();
                 PreparedStatement ps = c.prepareStatement("insert into log values (?) on conflict do nothing");
                 Statement s = c.createStatement()) {
                for (int i = 1; i <= 10; i++) {
                    ps.setLong(1, round * 100L + i);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).hasSize(10);
                for (int i = 1; i <= 10; i++) {
                    s.addBatch("insert into log values (" + (round * 100 + 50 + i) + ")");
                }
                assertThat(s.executeBatch()).hasSize(10);
                s.addBatch("insert into log values (-1)");
                s.clearBatch();
                assertThat(s.executeBatch()).isEmpty();
            }
        }
        try (Connection c = w.ds().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from log")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(60);
        }
        assertThat(Detect.run(w.detector(), FAST_N_PLUS_ONE).findings()).isEmpty();

        // a failing batch reaches the application as the driver's BatchUpdateException and is counted
        var statements = w.telltale().detector(JdbcStatementsDetector.ID);
        try (Connection c = w.ds().getConnection(); Statement s = c.createStatement()) {
            s.addBatch("insert into log values (1)");
            s.addBatch("insert into log values (1)");
            assertThat((Throwable) catchThrowableOfType(BatchUpdateException.class, s::executeBatch)).isNotNull();
        }
        Detection d = Detect.run(statements, Map.of());
        assertThat(Detect.signal(d, "jdbc.statement.errors", "23505")).isEqualTo(1);
        Finding f = Detect.finding(d, "23505").orElseThrow(() -> new AssertionError(d.findings()));
        assertThat((String) f.evidence().get("statement")).startsWith("insert into log values (?)");
    }

    /** Bound values, in prepared and callable statements, tell a loop over distinct rows from the same call again. */
    @Test
    void boundValuesTellALoopOverRowsFromARepeatedCall() throws Exception {
        Watched w = Watched.pool(hikari, "calls-db", NPlusOneDetector.ID, FAST_N_PLUS_ONE);
        for (int round = 0; round < 3; round++) {
            try (var work = w.telltale().unitOfWork("GET /names"); Connection c = w.ds().getConnection()) {
                for (int i = 1; i <= 10; i++) {
                    try (CallableStatement cs = c.prepareCall("{? = call upper(?)}")) {
                        cs.registerOutParameter(1, Types.VARCHAR);
                        cs.setString(2, "name " + i);
                        cs.execute();
                    }
                }
            }
            try (var work = w.telltale().unitOfWork("GET /same"); Connection c = w.ds().getConnection()) {
                for (int i = 1; i <= 10; i++) {
                    try (PreparedStatement ps = c.prepareStatement("select name from items where id = ?")) {
                        ps.setLong(1, 7);
                        ps.executeQuery().close();
                    }
                }
            }
        }
        Detection d = Detect.run(w.detector(), FAST_N_PLUS_ONE);
        assertThat(Detect.finding(d, "GET /names:")).isPresent();
        assertThat(Detect.finding(d, "GET /same:")).as("the same row ten times is no loop over rows").isEmpty();
    }
}
