package dev.telltale.postgres.pgbouncer;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.pgbouncer.internal.PgBouncerClientsDetector;
import dev.telltale.postgres.pgbouncer.internal.PgBouncerPoolsDetector;
import dev.telltale.postgres.support.Runs;
import dev.telltale.testkit.PgBouncerProcess;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
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

/**
 * A private PgBouncer (transaction pooling, default_pool_size 2) in front of the test server: six clients each
 * holding a server with {@code pg_sleep} queue four of them behind the pool of 2; clients of a database entry whose
 * PostgreSQL does not answer wait for servers PgBouncer cannot open; light traffic stays silent.
 */
@ExtendWith(PostgresExtension.class)
class PgBouncerPoolsIT {
    private static PgBouncerProcess bouncer;
    private static PgBouncerTarget target;

    @BeforeAll
    static void start(TestPostgres pg) throws Exception {
        bouncer = PgBouncerProcess.start(pg);
        target = PgBouncerTarget.fromUrl("bouncer", bouncer.consoleUrl());
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
        if (bouncer != null) {
            bouncer.close();
        }
    }

    /** {@code clients} threads each run {@code select pg_sleep(seconds)} through the bouncer, all at once. */
    private static List<Future<?>> hold(ExecutorService pool, int clients, double seconds, CountDownLatch connected) {
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            running.add(pool.submit(() -> {
                try (Connection c = bouncer.connect(); Statement s = c.createStatement()) {
                    connected.countDown();
                    s.execute("select pg_sleep(" + seconds + ")");
                }
                return null;
            }));
        }
        return running;
    }

    private static void finish(ExecutorService pool, List<Future<?>> running) throws Exception {
        for (Future<?> f : running) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void clientsQueuedBehindAPoolOfTwoAreAFindingWithTheWaitAndTheNumbers(TestPostgres pg) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(6);
        CountDownLatch connected = new CountDownLatch(6);
        List<Future<?>> running = hold(threads, 6, 10, connected);
        try {
            // no wait for all six to connect: pgjdbc's login runs a SET on a server, so the later ones queue already there
            PgBouncerPoolsDetector detector = new PgBouncerPoolsDetector(target);
            String pool = "pool " + pg.database() + "/" + pg.user();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                Detection d = Runs.detect(detector, Map.of("waiting.warning", "500ms", "waiting.critical", "1h"));
                assertThat(d.skipReason()).isEmpty();
                assertThat(d.findings()).as(d.findings().toString()).singleElement().satisfies(f -> {
                    assertThat(f.subject()).isEqualTo(pool);
                    assertThat(f.problem()).isEqualTo(Problem.CONNECTION_POOL_STARVATION);
                    assertThat(f.severity()).isEqualTo(Severity.WARNING);
                    assertThat(f.evidence()).containsEntry("database", pg.database()).containsEntry("user", pg.user())
                            .containsEntry("pool_size", 2L).containsEntry("sv_active", 2L)
                            .containsEntry("pool_mode", "transaction");
                    assertThat((Long) f.evidence().get("cl_waiting")).isBetween(1L, 4L);
                    assertThat(f.evidence()).containsKey("maxwait_seconds");
                    assertThat(((Number) f.evidence().get("maxwait_seconds")).doubleValue()).isGreaterThanOrEqualTo(0.5);
                    assertThat(f.summary()).contains("queued in PgBouncer for a server of pool " + pg.database() + "/")
                            .contains("2 of 2 servers are busy");
                    assertThat(f.hint()).contains("only if the PostgreSQL server has headroom").contains("long transactions");
                });
                assertThat(Runs.signal(d, "pgbouncer.pools.waiting_clients", pg.database()).orElseThrow())
                        .isBetween(1.0, 4.0);
                assertThat(Runs.signal(d, "pgbouncer.pools.max_wait", pg.database()).orElseThrow()).isGreaterThanOrEqualTo(0.5);
                assertThat(Runs.signal(d, "pgbouncer.pools.pool_size", pg.database())).contains(2.0);
                // the console is no pool, and our own connection to it is never judged
                assertThat(Runs.signal(d, "pgbouncer.pools.waiting_clients", "pgbouncer")).isEmpty();
            });
            // past the critical wait the same pool is CRITICAL, still one finding (clients queue until 30 s)
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                Detection d = Runs.detect(detector, Map.of("waiting.warning", "200ms", "waiting.critical", "1s"));
                assertThat(d.findings()).singleElement().extracting(Finding::severity).isEqualTo(Severity.CRITICAL);
            });
        } finally {
            finish(threads, running);
        }
    }

    @Test
    void aPoolWithEveryServerBusyAndNoOneQueuedIsSaturated(TestPostgres pg) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch connected = new CountDownLatch(2);
        List<Future<?>> running = hold(threads, 2, 4, connected);
        try {
            assertThat(connected.await(30, TimeUnit.SECONDS)).isTrue();
            PgBouncerPoolsDetector detector = new PgBouncerPoolsDetector(target);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                Detection d = Runs.detect(detector, Map.of("saturation.for", "0s"));
                assertThat(d.findings()).as(d.findings().toString()).singleElement().satisfies(f -> {
                    assertThat(f.subject()).isEqualTo("pool " + pg.database() + "/" + pg.user());
                    assertThat(f.severity()).isEqualTo(Severity.WARNING);
                    assertThat(f.summary()).contains("has all its servers busy: 2 of 2");
                    assertThat(f.evidence()).containsEntry("cl_waiting", 0L).containsEntry("sv_active", 2L);
                });
                assertThat(Runs.signal(d, "pgbouncer.pools.active_servers", pg.database())).contains(2.0);
            });
        } finally {
            finish(threads, running);
        }
    }

    @Test
    void lightTrafficUnderThePoolSizeIsSilent(TestPostgres pg) throws Exception {
        PgBouncerPoolsDetector pools = new PgBouncerPoolsDetector(target);
        PgBouncerClientsDetector clients = new PgBouncerClientsDetector(target);
        try (Connection c = bouncer.connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < 20; i++) {
                s.execute("select 1");
                assertThat(Runs.detect(pools, Map.of("saturation.for", "0s", "waiting.warning", "1ms", "servers.for", "0s"))
                        .findings()).isEmpty();
            }
            Detection d = Runs.detect(clients, Map.of("for", "0s"));
            assertThat(d.findings()).isEmpty();
            // this test's one client; the console's, ours, is not counted
            assertThat(Runs.signal(d, "pgbouncer.clients.connected")).contains(1.0);
            assertThat(Runs.signal(d, "pgbouncer.clients.limit")).contains(100.0);
        }
    }

    @Test
    void clientsWaitingForServersPgBouncerCannotOpenAreThatCauseNotAPoolTooSmall(TestPostgres pg) throws Exception {
        int nowhere;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nowhere = s.getLocalPort(); // closed again: nothing listens there
        }
        // clients wait up to query_wait_timeout; two minutes outlast the test, and closing the bouncer ends them
        try (PgBouncerProcess down = PgBouncerProcess.start(pg, Map.of("query_wait_timeout", "120"),
                Map.of("down", "host=127.0.0.1 port=" + nowhere + " dbname=" + pg.database()));
             PgBouncerTarget downTarget = PgBouncerTarget.fromUrl("down", down.consoleUrl())) {
            ExecutorService threads = Executors.newFixedThreadPool(3);
            try {
                for (int i = 0; i < 3; i++) {
                    threads.submit(() -> {
                        try (Connection c = down.connect("down")) {
                            return c.isValid(1);
                        }
                    });
                }
                PgBouncerPoolsDetector detector = new PgBouncerPoolsDetector(downTarget);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    Detection d = Runs.detect(detector, Map.of("servers.for", "0s"));
                    assertThat(d.skipReason()).isEmpty();
                    assertThat(d.findings()).as(d.findings().toString()).singleElement().satisfies(f -> {
                        assertThat(f.subject()).isEqualTo("pool down/" + pg.user());
                        assertThat(f.problem()).isEqualTo(Problem.CONNECTION_POOL_STARVATION);
                        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
                        assertThat(f.summary()).startsWith("PgBouncer cannot open server connections to PostgreSQL at 127.0.0.1:"
                                + nowhere + " for pool down/").contains("3 clients waiting while 0 of 2 servers are open");
                        assertThat(f.evidence()).containsEntry("database", "down").containsEntry("servers_open", 0L)
                                .containsEntry("pool_size", 2L).containsEntry("cl_waiting", 3L)
                                .containsEntry("server_address", "127.0.0.1:" + nowhere).containsKey("sv_login")
                                .doesNotContainKey("maxwait_seconds");
                        assertThat(f.hint()).startsWith("Do not raise pool_size").contains("PostgreSQL's log")
                                .contains("max_connections").doesNotContain("Raise pool_size");
                    });
                    assertThat(Runs.signal(d, "pgbouncer.pools.waiting_clients", "down")).contains(3.0);
                    assertThat(Runs.signal(d, "pgbouncer.pools.open_servers", "down")).contains(0.0);
                    assertThat(Runs.signal(d, "pgbouncer.pools.login_servers", "down")).isPresent();
                });
                // by default the shape must hold for servers.for (15 s, PgBouncer's server_login_retry) before it fires
                Detection d = Runs.detect(detector, Map.of());
                assertThat(d.findings()).singleElement().extracting(Finding::holdFor).isEqualTo(Duration.ofSeconds(15));
            } finally {
                down.close(); // the waiting clients see their connection end
                threads.shutdown();
                assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void aPoolBelowItsSizeBecausePgBouncerCapsTheDatabaseIsWaitingNotUnreachable(TestPostgres pg) throws Exception {
        // max_db_connections 1 under a pool_size of 2: the pool stays at one server by PgBouncer's own choice
        try (PgBouncerProcess capped = PgBouncerProcess.start(pg, Map.of("max_db_connections", "1"));
             PgBouncerTarget cappedTarget = PgBouncerTarget.fromUrl("capped", capped.consoleUrl())) {
            ExecutorService threads = Executors.newFixedThreadPool(3);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                running.add(threads.submit(() -> {
                    try (Connection c = capped.connect(); Statement s = c.createStatement()) {
                        s.execute("select pg_sleep(4)");
                    }
                    return null;
                }));
            }
            try {
                PgBouncerPoolsDetector detector = new PgBouncerPoolsDetector(cappedTarget);
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    Detection d = Runs.detect(detector, Map.of("waiting.warning", "500ms", "servers.for", "0s"));
                    assertThat(d.findings()).as(d.findings().toString()).singleElement().satisfies(f -> {
                        assertThat(f.summary()).contains("queued in PgBouncer").doesNotContain("cannot open");
                        assertThat(f.evidence()).containsEntry("sv_active", 1L).containsEntry("pool_size", 2L);
                    });
                });
            } finally {
                finish(threads, running);
            }
        }
    }

    @Test
    void clientsNearMaxClientConnAreAFinding(TestPostgres pg) throws Exception {
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                open.add(bouncer.connect());
            }
            Detection d = Runs.detect(new PgBouncerClientsDetector(target), Map.of("for", "0s", "warning", "0.05",
                    "critical", "0.5"));
            assertThat(d.findings()).singleElement().satisfies(f -> {
                assertThat(f.subject()).isEqualTo("client connections");
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.evidence()).containsEntry("clients", 10L).containsEntry("max_client_conn", 100L);
                assertThat(f.summary()).startsWith("10 of max_client_conn 100 client connections are open");
            });
            assertThat(Runs.signal(d, "pgbouncer.clients.utilization")).contains(0.1);
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
    }

    @Test
    void aBouncerThatIsNotThereFailsTheRunNamingIt() {
        try (PgBouncerTarget nowhere = PgBouncerTarget.fromUrl("nowhere", "postgresql://u:secret@127.0.0.1:1/pgbouncer")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Runs.detect(new PgBouncerPoolsDetector(nowhere), Map.of()))
                    .hasMessageContaining("nowhere").hasMessageNotContaining("secret");
        }
    }
}
