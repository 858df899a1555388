package dev.telltale.jvm;

import com.zaxxer.hikari.HikariDataSource;
import dev.telltale.core.Detection;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.core.Report;
import dev.telltale.core.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.telltale.jvm.internal.JdbcStatementsDetector;
import dev.telltale.jvm.internal.NPlusOneDetector;
import dev.telltale.jvm.internal.PoolLeaksDetector;
import dev.telltale.jvm.internal.PoolSaturationDetector;
import dev.telltale.testkit.DetectorHarness;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** N+1, statements, pool saturation and leaks on a real PostgreSQL through HikariCP. */
@ExtendWith(PostgresExtension.class)
class JdbcIT {
    /**
     * The time floor off, as it is by default, set explicitly so these cases do not hang on the default
     * (NPlusOneIT covers the defaults, WorkStateTest the floor when one is set).
     */
    private static final Map<String, String> FAST_N_PLUS_ONE = Map.of("min-total-time", "0s");
    private static Pg pg;
    private static HikariDataSource hikari;

    @BeforeAll
    static void schema(TestPostgres postgres) throws SQLException {
        pg = new Pg(postgres);
        hikari = pg.pool("main", 8);
        postgres.execute("""
                create table customers (id bigint primary key, name text not null);
                create table orders (id bigint primary key, customer_id bigint not null);
                create table accounts (id bigint primary key, balance bigint not null);
                create table events (id bigserial primary key, order_id bigint not null);
                create table payments (key text primary key);
                insert into customers select g, 'customer ' || g from generate_series(1, 50) g;
                insert into orders select g, g from generate_series(1, 50) g;
                insert into accounts values (1, 100), (2, 100);
                """);
    }

    @AfterAll
    static void drop() {
        hikari.close();
    }

    /** The N+1 under test: one query for the orders, then one per order for its customer. */
    private static List<String> loadOrdersOneByOne(DataSource ds) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            List<Long> customerIds = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id, customer_id from orders order by id")) {
                while (rs.next()) {
                    customerIds.add(rs.getLong(2));
                }
            }
            for (long id : customerIds) {
                try (PreparedStatement ps = c.prepareStatement("select name from customers where id = ?")) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        names.add(rs.getString(1));
                    }
                }
            }
        }
        return names;
    }

    @Test
    void anNPlusOneLoopIsReportedWithItsFingerprintAndCallSite() throws Exception {
        TelltaleJvm telltale = TelltaleJvm.builder().target("orders-service").applicationPackages("dev.telltale.jvm.JdbcIT").build();
        DataSource ds = telltale.wrap("orders-db", hikari);
        var detector = telltale.detector(NPlusOneDetector.ID);
        Detect.configure(detector, FAST_N_PLUS_ONE); // as the engine does when it is built

        for (int i = 0; i < 2; i++) {
            try (var work = telltale.unitOfWork("GET /orders")) {
                assertThat(loadOrdersOneByOne(ds)).hasSize(50);
            }
        }
        assertThat(Detect.run(detector, FAST_N_PLUS_ONE).findings())
                .as("seen in 2 units of work: below the confirmation gate of 3").isEmpty();

        try (var work = telltale.unitOfWork("GET /orders")) {
            loadOrdersOneByOne(ds);
        }
        Detection d = Detect.run(detector, FAST_N_PLUS_ONE);
        Finding f = Detect.finding(d, "GET /orders").orElseThrow(() -> new AssertionError(d.findings()));
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.subject()).isEqualTo("GET /orders: select name from customers where id = ?");
        assertThat(f.evidence()).containsEntry("executions", 50).containsEntry("units_seen", 3)
                .containsEntry("fingerprint", "select name from customers where id = ?");
        assertThat((String) f.evidence().get("call_site")).startsWith("dev.telltale.jvm.JdbcIT.loadOrdersOneByOne(JdbcIT.java:");
        assertThat((double) f.evidence().get("total_time_ms")).isPositive();
        assertThat(Detect.signal(d, "jdbc.n_plus_one.patterns")).isEqualTo(1);

        // The same through an engine: the gauge is published; suppressing the route silences it.
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DetectorEngine engine = DetectorEngine.builder().detector(detector)
                .set("jdbc.n-plus-one.min-total-time", "0s").build()) {
            engine.bindTo(registry);
            assertThat(engine.runOnce(Duration.ZERO).findings()).hasSize(1);
            assertThat(registry.find("telltale.jdbc.n_plus_one.patterns").tag("target", "orders-service").gauge().value()).isEqualTo(1);
        }
        assertThat(Detect.run(detector, Map.of("min-total-time", "0s", "suppress", "GET /health, GET /orders")).findings()).isEmpty();
    }

    /**
     * The thresholds reach the JDBC listener when the settings are handed over, before any detection:
     * with the defaults (min-count 5, slow 1s) neither the three lookups nor the 50 ms sleep below would
     * be recorded at all.
     */
    @Test
    void settingsApplyToStatementsRunBeforeTheFirstDetection() throws Exception {
        TelltaleJvm telltale = TelltaleJvm.builder().target("early-service").build();
        DataSource ds = telltale.wrap("early-db", hikari);
        DetectorHarness statements = DetectorHarness.of(telltale.detector(JdbcStatementsDetector.ID)).set("slow", "10ms");
        statements.resolvedSettings();
        try (DetectorEngine engine = DetectorEngine.builder()
                .detector(telltale.detector(NPlusOneDetector.ID))
                .set("jdbc.n-plus-one.min-count", "3")
                .set("jdbc.n-plus-one.min-total-time", "0s")
                .build()) {
            for (int round = 0; round < 3; round++) {
                try (var work = telltale.unitOfWork("GET /early"); Connection c = ds.getConnection()) {
                    for (long id = 1; id <= 3; id++) {
                        try (PreparedStatement ps = c.prepareStatement("select name from customers where id = ?")) {
                            ps.setLong(1, id);
                            ps.executeQuery().close();
                        }
                    }
                }
            }
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("select pg_sleep(0.05)");
            }
            Report report = engine.runOnce(Duration.ZERO);
            Finding nPlusOne = report.findings().stream().filter(f -> f.subject().startsWith("GET /early:")).findFirst()
                    .orElseThrow(() -> new AssertionError(report.findings()));
            assertThat(nPlusOne.evidence()).containsEntry("executions", 3).containsEntry("units_seen", 3);
        }
        // the first detection of the statements detector: the sleep was recorded as slow when it ran
        assertThat(Detect.finding(statements.run(), "slow statement: select pg_sleep(?)")).isPresent();
    }

    @Test
    void oneInListFetchOrOneBatchIsNotAnNPlusOne() throws Exception {
        Watched w = Watched.pool(hikari, "in-list-db", NPlusOneDetector.ID, FAST_N_PLUS_ONE);
        for (int round = 0; round < 4; round++) {
            try (var work = w.telltale().unitOfWork("GET /orders/fast"); Connection c = w.ds().getConnection()) {
                StringBuilder in = new StringBuilder();
                for (int i = 1; i <= 50; i++) {
                    in.append(i > 1 ? "," : "").append('?');
                }
                try (PreparedStatement ps = c.prepareStatement("select id, name from customers where id in (" + in + ")")) {
                    for (int i = 1; i <= 50; i++) {
                        ps.setLong(i, i);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        int n = 0;
                        while (rs.next()) {
                            n++;
                        }
                        assertThat(n).isEqualTo(50);
                    }
                }
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("insert into events (order_id) values (?)")) {
                    for (int i = 1; i <= 50; i++) {
                        ps.setLong(1, i);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
                c.setAutoCommit(true);
            }
        }
        Detection d = Detect.run(w.detector(), FAST_N_PLUS_ONE);
        assertThat(d.findings()).isEmpty();
        assertThat(Detect.signal(d, "jdbc.n_plus_one.patterns")).isZero();
    }

    @Test
    void withoutAnExplicitUnitTheTransactionIsTheUnit() throws Exception {
        Watched w = Watched.pool(hikari, "tx-db", NPlusOneDetector.ID, FAST_N_PLUS_ONE);
        try (Connection c = w.ds().getConnection()) {
            for (int round = 0; round < 3; round++) {
                c.setAutoCommit(false);
                for (long id = 1; id <= 10; id++) {
                    try (PreparedStatement ps = c.prepareStatement("update accounts set balance = balance where id = ?")) {
                        ps.setLong(1, id % 2 + 1);
                        ps.executeUpdate();
                    }
                }
                c.commit();
            }
            c.setAutoCommit(true);
        }
        Finding f = Detect.finding(Detect.run(w.detector(), FAST_N_PLUS_ONE), "transaction on tx-db").orElseThrow();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.evidence()).containsEntry("executions", 10).containsEntry("units_seen", 3);
    }

    @Test
    void aUnitHandedToAnotherThreadKeepsCounting() throws Exception {
        Watched w = Watched.pool(hikari, "handoff-db", NPlusOneDetector.ID, FAST_N_PLUS_ONE);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                try (var work = w.telltale().unitOfWork("GET /async")) {
                    pool.submit(work.wrap(() -> {
                        try {
                            loadOrdersOneByOne(w.ds());
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    })).get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(Detect.finding(Detect.run(w.detector(), FAST_N_PLUS_ONE), "GET /async")).isPresent();
    }

    @Test
    void aStarvedPoolNamesTheUnitsOfWorkHoldingItsConnections() throws Exception {
        TelltaleJvm telltale = TelltaleJvm.builder().build();
        try (HikariDataSource small = pg.pool("small", 4)) {
            DataSource ds = telltale.wrap(small);
            var detector = telltale.detector(PoolSaturationDetector.ID);
            assertThat(Detect.aboveInfo(Detect.run(detector, Map.of()))).isEmpty();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(4);
            ExecutorService threads = Executors.newFixedThreadPool(12);
            List<Future<?>> all = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    all.add(threads.submit(() -> {
                        try (var work = telltale.unitOfWork("GET /report"); Connection c = ds.getConnection();
                             Statement s = c.createStatement()) {
                            s.execute("select count(*) from orders");
                            holding.countDown();
                            release.await(); // a slow report: keeps its connection
                        }
                        return null;
                    }));
                }
                assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
                for (int i = 0; i < 8; i++) {
                    all.add(threads.submit(() -> {
                        try (var work = telltale.unitOfWork("GET /orders"); Connection c = ds.getConnection();
                             Statement s = c.createStatement()) {
                            s.execute("select 1");
                        }
                        return null;
                    }));
                }
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Detection d = Detect.run(detector, Map.of());
                    Finding f = Detect.finding(d, "pool small: requests waiting for a connection").orElseThrow();
                    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
                    assertThat(f.holdFor()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(f.evidence()).containsEntry("active", 4).containsEntry("maximum", 4).containsEntry("pending", 8);
                    assertThat((String) f.evidence().get("holder.1")).startsWith("GET /report holds 4 for up to");
                    assertThat(f.summary()).contains("held by GET /report x4");
                    assertThat(Detect.signal(d, "pool.pending", "small")).isEqualTo(8);
                    assertThat(Detect.signal(d, "pool.utilization", "small")).isEqualTo(1.0);
                });
            } finally {
                release.countDown();
                for (Future<?> f : all) {
                    f.get(60, TimeUnit.SECONDS);
                }
                threads.shutdownNow();
            }
            assertThat(Detect.finding(Detect.run(detector, Map.of()), "requests waiting")).isEmpty();
            assertThat(Detect.finding(Detect.run(detector, Map.of("fleet.instances", "30", "fleet.server-connections", "100")),
                    "fleet exceeds").orElseThrow().evidence()).containsEntry("fleet_connections", 120L);
        }
    }

    @Test
    void anAcquisitionTimeoutIsCritical() throws Exception {
        TelltaleJvm telltale = TelltaleJvm.builder().build();
        try (HikariDataSource tiny = pg.pool("tiny", 1, 250)) {
            DataSource ds = telltale.wrap(tiny);
            var detector = telltale.detector(PoolSaturationDetector.ID);
            Detect.run(detector, Map.of());
            try (var work = telltale.unitOfWork("POST /import"); Connection held = ds.getConnection()) {
                held.createStatement().execute("select 1");
                try (var other = telltale.unitOfWork("GET /orders")) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(ds::getConnection)
                            .isInstanceOf(java.sql.SQLTransientConnectionException.class);
                }
                Detection d = Detect.run(detector, Map.of());
                Finding f = Detect.finding(d, "pool tiny: connection acquisition timeouts").orElseThrow();
                assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
                assertThat(f.evidence()).containsEntry("timeouts", 1L);
                assertThat(Detect.signal(d, "pool.acquire.timeouts", "tiny")).isEqualTo(1);
                assertThat(Detect.finding(d, "pool tiny: utilisation").orElseThrow().evidence().get("holder.1"))
                        .asString().startsWith("POST /import holds 1");
            }
        }
    }

    @Test
    void aConnectionNeverClosedIsASuspectedLeakUntilClosed() throws Exception {
        Watched w = Watched.pool(hikari, "leaky-db", PoolLeaksDetector.ID);
        Map<String, String> settings = Map.of("threshold", "1s");
        Connection leaked;
        String holderThread = Thread.currentThread().getName();
        try (var work = w.telltale().unitOfWork("GET /leaky")) {
            leaked = w.ds().getConnection();
            leaked.createStatement().execute("select 1");
        }
        try (var batch = w.telltale().unitOfWork("nightly export").markLongRunning(); Connection longOne = w.ds().getConnection()) {
            longOne.createStatement().execute("select 1");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection d = Detect.run(w.detector(), settings);
                assertThat(d.findings()).hasSize(1);
                Finding f = d.findings().get(0);
                assertThat(f.subject()).startsWith("pool leaky-db: connection ").endsWith(" held by GET /leaky");
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.evidence()).containsEntry("unit_of_work", "GET /leaky").containsEntry("thread", holderThread);
                assertThat(Detect.signal(d, "pool.leaks.suspected", "leaky-db")).isEqualTo(1);
            });
        }
        leaked.close();
        Detection after = Detect.run(w.detector(), settings);
        assertThat(after.findings()).isEmpty();
        assertThat(Detect.signal(after, "pool.leaks.suspected", "leaky-db")).isZero();
    }

    @Test
    void aRealDeadlockIsCountedAs40P01() throws Exception {
        Watched w = Watched.pool(hikari, "deadlock-db", JdbcStatementsDetector.ID);
        ExecutorService other = Executors.newSingleThreadExecutor();
        List<Throwable> failures = new ArrayList<>();
        try (Connection a = w.ds().getConnection(); Connection b = w.ds().getConnection()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            a.createStatement().executeUpdate("update accounts set balance = balance - 1 where id = 1");
            b.createStatement().executeUpdate("update accounts set balance = balance - 1 where id = 2");
            Future<?> first = other.submit(() -> {
                a.createStatement().executeUpdate("update accounts set balance = balance + 1 where id = 2");
                return null;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnLock());
            try {
                b.createStatement().executeUpdate("update accounts set balance = balance + 1 where id = 1");
            } catch (SQLException e) {
                failures.add(e);
            }
            try {
                first.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(e.getCause());
            }
            a.rollback();
            b.rollback();
        } finally {
            other.shutdownNow();
        }
        assertThat(failures).hasSize(1);
        assertThat(((SQLException) failures.get(0)).getSQLState()).isEqualTo("40P01");
        Detection d = Detect.run(w.detector(), Map.of());
        Finding f = Detect.finding(d, "40P01").orElseThrow();
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.evidence()).containsEntry("count", 1L).containsEntry("sqlstate", "40P01");
        assertThat((String) f.evidence().get("statement")).startsWith("update accounts set balance = balance + ? where id = ?");
        assertThat(Detect.signal(d, "jdbc.statement.errors", "40P01")).isEqualTo(1);
    }

    @Test
    void writeSkewUnderSerializableIsCountedAs40001() throws Exception {
        Watched w = Watched.pool(hikari, "skew-db", JdbcStatementsDetector.ID);
        List<SQLException> failures = new ArrayList<>();
        // Two doctors going off call: each reads that the other is still on call, each updates its own row.
        try (Connection a = w.ds().getConnection(); Connection b = w.ds().getConnection()) {
            for (Connection c : List.of(a, b)) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                try (ResultSet rs = c.createStatement().executeQuery("select sum(balance) from accounts")) {
                    rs.next();
                }
            }
            a.createStatement().executeUpdate("update accounts set balance = balance - 1 where id = 1");
            b.createStatement().executeUpdate("update accounts set balance = balance - 1 where id = 2");
            for (Connection c : List.of(a, b)) {
                try {
                    c.commit();
                } catch (SQLException e) {
                    failures.add(e);
                    c.rollback();
                }
            }
        }
        assertThat(failures).singleElement().extracting(SQLException::getSQLState).isEqualTo("40001");
        Finding f = Detect.finding(Detect.run(w.detector(), Map.of()), "40001").orElseThrow();
        assertThat(f.problem()).isEqualTo(dev.telltale.core.Problem.WRITE_SKEW);
        assertThat(f.evidence()).containsEntry("count", 1L).containsEntry("statement", "commit");
    }

    private static boolean waitingOnLock() throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    @Test
    void slowStatementsCancelledStatementsAndDuplicatesAreCounted() throws Exception {
        Watched w = Watched.pool(hikari, "errors-db", JdbcStatementsDetector.ID);
        Map<String, String> settings = Map.of("slow", "200ms");
        Detect.run(w.detector(), settings);
        try (Connection c = w.ds().getConnection(); Statement s = c.createStatement()) {
            s.execute("select pg_sleep(0.3)");
            s.execute("insert into payments values ('pay-1')");
            try {
                s.execute("insert into payments values ('pay-1')");
            } catch (SQLException expected) {
                assertThat(expected.getSQLState()).isEqualTo("23505");
            }
            s.setQueryTimeout(1);
            try {
                s.execute("select pg_sleep(5)");
            } catch (SQLException expected) {
                assertThat(expected.getSQLState()).isEqualTo("57014");
            }
        }
        Detection d = Detect.run(w.detector(), settings);
        assertThat(Detect.finding(d, "slow statement: select pg_sleep(?)").orElseThrow().severity()).isEqualTo(Severity.WARNING);
        assertThat(Detect.finding(d, "23505").orElseThrow().severity()).isEqualTo(Severity.INFO);
        assertThat(Detect.finding(d, "57014").orElseThrow().evidence()).containsEntry("count", 1L);
        assertThat(Detect.finding(d, "without a query timeout").orElseThrow().severity()).isEqualTo(Severity.INFO);
        assertThat(Detect.signal(d, "jdbc.statement.errors", "23505")).isEqualTo(1);
    }

    /** Hibernate's schema tool runs its DDL at start without a timeout: that is no query that can outlive a caller. */
    @Test
    void schemaDdlAtStartIsNotAStatementWithoutATimeout() throws Exception {
        Watched w = Watched.pool(hikari, "ddl-db", JdbcStatementsDetector.ID);
        try (Connection c = w.ds().getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists vets (id integer generated by default as identity, name text, primary key (id))");
            s.execute("alter table if exists vets add column specialty text");
            s.execute("comment on table vets is 'the vets'");
            s.execute("create index if not exists idx_vets_name on vets (name)");
            s.execute("drop index if exists idx_vets_name");
            s.execute("drop table if exists vets");
        }
        assertThat(Detect.finding(Detect.run(w.detector(), Map.of()), "without a query timeout")).isEmpty();

        try (Connection c = w.ds().getConnection(); Statement s = c.createStatement()) {
            s.executeQuery("select count(*) from customers").close();
        }
        Finding f = Detect.finding(Detect.run(w.detector(), Map.of()), "without a query timeout").orElseThrow();
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.evidence()).containsEntry("shapes", 1);
    }

    @Test
    void aHealthyWorkloadRaisesNothingAboveInfo() throws Exception {
        TelltaleJvm telltale = TelltaleJvm.builder().build();
        try (HikariDataSource healthy = pg.pool("healthy", 4)) {
            DataSource ds = telltale.wrap(healthy);
            for (int i = 0; i < 20; i++) {
                try (var work = telltale.unitOfWork("GET /customers/{id}"); Connection c = ds.getConnection();
                     PreparedStatement ps = c.prepareStatement("select name from customers where id = ?")) {
                    ps.setQueryTimeout(5);
                    ps.setLong(1, i % 50 + 1);
                    ps.executeQuery().close();
                }
            }
            for (String id : List.of(NPlusOneDetector.ID, JdbcStatementsDetector.ID, PoolSaturationDetector.ID, PoolLeaksDetector.ID)) {
                Detection d = Detect.run(telltale.detector(id), Map.of());
                assertThat(Detect.aboveInfo(d)).as(id).isEmpty();
            }
        }
    }
}
