package dev.telltale.postgres.internal.activity;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresTargetAccess;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.telltale.postgres.internal.activity.Sessions.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a server of our own: prepared transactions (the shared server has max_prepared_transactions = 0), a
 * server that goes away under the detectors and comes back, and a healthy mixed load on a server where every
 * session is ours, so that nothing another test does can raise a finding.
 */
@ExtendWith(PostgresExtension.class)
class PrivateServerIT {
    private static PrivateServer server;

    @BeforeAll
    static void startServer(TestPostgres pg, @TempDir Path dir) throws Exception {
        server = PrivateServer.start(pg, dir, "max_prepared_transactions=5", "max_connections=100",
                "max_locks_per_transaction=10", "autovacuum_max_workers=3", "max_worker_processes=8", "max_wal_senders=10");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aForgottenPreparedTransactionIsFoundAndNamedAsTheBlocker() throws Exception {
        try (Connection c = server.connect(); PostgresTarget target = PostgresTarget.fromUrl("billing", server.jdbcUrl())) {
            exec(c, "create table payments(id int primary key, status text)");
            exec(c, "insert into payments values (1, 'pending')");
            exec(c, "begin");
            exec(c, "update payments set status = 'captured' where id = 1");
            exec(c, "prepare transaction 'capture-order-42'");
            Connection waiter = server.connect();
            var blocked = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    exec(waiter, "update payments set status = 'refunded' where id = 1");
                } catch (SQLException e) {
                    // terminated at the end of the test
                }
            });
            try {
                LongRunningDetector longRunning = new LongRunningDetector(target);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    List<Finding> findings = Sessions.findings(longRunning, Map.of()).stream()
                            .filter(f -> f.problem() == Problem.DISTRIBUTED_TRANSACTION).toList();
                    assertThat(findings).singleElement().satisfies(f -> {
                        assertThat(f.subject()).isEqualTo("prepared transaction capture-order-42");
                        assertThat(f.severity()).isEqualTo(Severity.WARNING);
                        assertThat(f.evidence()).containsEntry("gid", "capture-order-42").containsEntry("database", "postgres")
                                .containsEntry("owner", "postgres");
                        assertThat(f.hint()).contains("ROLLBACK PREPARED 'capture-order-42'");
                    });
                });
                var registry = Sessions.publish(longRunning, Map.of());
                assertThat(Sessions.gauge(registry, "postgres.long_running.prepared_transactions", "target", "billing")).isEqualTo(1);

                LockWaitsDetector lockWaits = new LockWaitsDetector(target);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(Sessions.findings(lockWaits, Map.of("warning", "1s"))).singleElement().satisfies(f -> {
                            assertThat(f.subject()).isEqualTo("sessions blocked by a prepared transaction");
                            assertThat(f.evidence()).containsEntry("root_pid", 0).containsEntry("relation", "payments");
                            assertThat(f.hint()).contains("pg_prepared_xacts");
                        }));
            } finally {
                exec(c, "rollback prepared 'capture-order-42'");
                blocked.get(30, TimeUnit.SECONDS);
                waiter.close();
            }
        }
    }

    /** Advisory locks never take the fast path, so 800 of them fill a lock table sized for 10 locks per backend. */
    @Test
    void aNearlyFullLockTableIsAWarning() throws Exception {
        try (Connection c = server.connect(); PostgresTarget target = PostgresTarget.fromUrl("locks", server.jdbcUrl())) {
            exec(c, "begin");
            exec(c, "select count(pg_advisory_xact_lock(g)) from generate_series(1, 800) g");
            try {
                LockWaitsDetector detector = new LockWaitsDetector(target);
                List<Finding> findings = Sessions.findings(detector, Map.of());
                assertThat(findings).singleElement().satisfies(f -> {
                    assertThat(f.subject()).isEqualTo("shared lock table");
                    assertThat(f.severity()).isEqualTo(Severity.WARNING);
                    // 10 x (100 connections + 3 autovacuum workers + 1 launcher + 8 workers + 10 walsenders + 5 prepared)
                    assertThat(f.evidence()).containsEntry("capacity", 1270L).containsEntry("max_locks_per_transaction", 10L);
                    assertThat((Long) f.evidence().get("entries")).isGreaterThanOrEqualTo(800L);
                    assertThat(f.summary()).startsWith("The shared lock table is ").contains("'out of shared memory'");
                });
                var registry = Sessions.publish(detector, Map.of());
                assertThat(Sessions.gauge(registry, "postgres.locks.table_utilization", "target", "locks")).isGreaterThan(0.6);
                assertThat(Sessions.findings(detector, Map.of("lock-table.critical", "0.6")))
                        .singleElement().extracting(Finding::severity).isEqualTo(Severity.CRITICAL);
            } finally {
                exec(c, "rollback");
            }
        }
    }

    /** Short, so that every detector runs in each report, the delta ones too. */
    private static final Duration WINDOW = Duration.ofMillis(10);

    @Test
    void aServerThatGoesAwayGivesErrorsAndTheDetectorsRecoverWithoutLeakingConnections() throws Exception {
        try (PostgresTarget target = PostgresTarget.builder("orders").url(server.jdbcUrl())
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            // postgres.statements skips here: this private server does not preload pg_stat_statements
            List<Detector> detectors = PostgresDetectors.forTarget(target).stream()
                    .filter(d -> !d.id().equals("postgres.statements")).toList();
            DetectorEngine engine = DetectorEngine.builder().detectors(detectors).build();
            assertThat(kinds(engine.runOnce(WINDOW))).containsOnly("ok");
            assertThat(PostgresTargetAccess.queries(target).connectionsOpened()).isEqualTo(1);

            server.stop();
            try {
                Report down = engine.runOnce(WINDOW);
                assertThat(kinds(down)).containsOnly("error");
                assertThat(down.runs()).allSatisfy(r -> assertThat(r.outcome().toString()).contains("orders"));
            } finally {
                server.startAgain();
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(kinds(engine.runOnce(WINDOW))).containsOnly("ok"));
            assertThat(PostgresTargetAccess.queries(target).connectionsOpened()).isEqualTo(2);
            try (Connection c = server.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where application_name = 'telltale'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("telltale connections on the server").isEqualTo(1);
            }
            engine.close();
        }
    }

    private static List<String> kinds(Report report) {
        return report.runs().stream().map(RunRecord::outcome).map(o -> o.kind()).toList();
    }

    /**
     * A pgbench-like TPC-B mix (update an account, read it, update a teller and a branch, insert history) from
     * 8 clients for 20 s, with every detector looking every half second at default settings: nothing above INFO.
     */
    @Test
    void aHealthyMixedLoadRaisesNothingAboveInfo() throws Exception {
        try (Connection c = server.connect()) {
            exec(c, "create table branches(bid int primary key, bbalance bigint not null default 0)");
            exec(c, "create table tellers(tid int primary key, bid int not null, tbalance bigint not null default 0)");
            exec(c, "create table accounts(aid int primary key, bid int not null, abalance bigint not null default 0)");
            exec(c, "create table history(tid int, bid int, aid int, delta int, mtime timestamptz default now())");
            exec(c, "insert into branches(bid) select g from generate_series(1, 20) g");
            exec(c, "insert into tellers(tid, bid) select g, 1 + g % 20 from generate_series(1, 200) g");
            exec(c, "insert into accounts(aid, bid) select g, 1 + g % 20 from generate_series(1, 20000) g");
            exec(c, "analyze");
        }
        int clients = 8;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong transactions = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = server.connect()) {
                    c.setAutoCommit(false);
                    PreparedStatement updAccount = c.prepareStatement("update accounts set abalance = abalance + ? where aid = ?");
                    PreparedStatement selAccount = c.prepareStatement("select abalance from accounts where aid = ?");
                    PreparedStatement updTeller = c.prepareStatement("update tellers set tbalance = tbalance + ? where tid = ?");
                    PreparedStatement updBranch = c.prepareStatement("update branches set bbalance = bbalance + ? where bid = ?");
                    PreparedStatement insHistory = c.prepareStatement("insert into history(tid, bid, aid, delta) values (?, ?, ?, ?)");
                    while (!stop.get()) {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        int aid = 1 + r.nextInt(20000);
                        int tid = 1 + r.nextInt(200);
                        int bid = 1 + r.nextInt(20);
                        int delta = r.nextInt(-5000, 5000);
                        updAccount.setInt(1, delta);
                        updAccount.setInt(2, aid);
                        updAccount.executeUpdate();
                        selAccount.setInt(1, aid);
                        selAccount.executeQuery().close();
                        updTeller.setInt(1, delta);
                        updTeller.setInt(2, tid);
                        updTeller.executeUpdate();
                        updBranch.setInt(1, delta);
                        updBranch.setInt(2, bid);
                        updBranch.executeUpdate();
                        insHistory.setInt(1, tid);
                        insHistory.setInt(2, bid);
                        insHistory.setInt(3, aid);
                        insHistory.setInt(4, delta);
                        insHistory.executeUpdate();
                        c.commit();
                        transactions.incrementAndGet();
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "tpcb-" + i);
            workers.add(t);
            t.start();
        }
        List<Finding> seen = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        try (PostgresTarget target = PostgresTarget.fromUrl("bank", server.jdbcUrl())) {
            List<Detector> detectors = PostgresDetectors.forTarget(target);
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < end) {
                for (Detector d : detectors) {
                    Detection detection = Sessions.detect(d, Map.of());
                    outcomes.add(d.id() + (detection.isSkipped() ? " skipped" : " ok"));
                    seen.addAll(detection.findings());
                }
                // paced like a scheduler, without waiting on any condition
                TimeUnit.MILLISECONDS.sleep(500);
            }
        } finally {
            stop.set(true);
            for (Thread t : workers) {
                t.join(30_000);
            }
        }
        assertThat(errors).isEmpty();
        assertThat(transactions.get()).as("transactions of the load").isGreaterThan(100);
        // postgres.statements skips: this private server does not preload pg_stat_statements
        assertThat(outcomes).allMatch(o -> o.endsWith(" ok") || o.equals("postgres.statements skipped"));
        assertThat(seen).as("findings under a healthy load").allMatch(f -> f.severity() == Severity.INFO);
    }
}
