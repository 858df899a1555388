package dev.telltale.postgres.internal.activity;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.telltale.postgres.internal.activity.Sessions.exec;
import static dev.telltale.postgres.internal.activity.Sessions.pid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A row lock held by an idle transaction, with sessions queued behind it in a chain. Runs on 13, 15 and 17. */
@ExtendWith(PostgresExtension.class)
class LockWaitsIT {
    private TestPostgres pg;
    private Sessions sessions;
    private PostgresTarget target;

    @BeforeEach
    void setUp(TestPostgres pg) throws Exception {
        this.pg = pg;
        sessions = new Sessions(pg);
        target = PostgresTarget.fromUrl("shop", pg.jdbcUrl());
        try (Connection c = pg.connect()) {
            exec(c, "drop table if exists inventory");
            exec(c, "create table inventory(sku int primary key, stock int not null)");
            exec(c, "insert into inventory select g, 100 from generate_series(1, 50) g");
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        sessions.close();
        target.close();
    }

    @Test
    void chainOfWaitersNamesTheRootBlockerAndTheRelation() throws Exception {
        Connection a = sessions.open("checkout-api");
        int rootPid = pid(a);
        exec(a, "begin", "update inventory set stock = stock - 1 where sku = 7");
        // B waits on A's transaction; C and D queue on the row's tuple lock behind B: D -> C -> B -> A
        List<Integer> waiters = new ArrayList<>();
        for (String name : List.of("worker-b", "worker-c", "worker-d")) {
            Connection w = sessions.open(name);
            int pid = pid(w);
            sessions.async(w, "update inventory set stock = stock - 1 where sku = 7");
            await().atMost(Duration.ofSeconds(20)).until(() -> sessions.waitingOnLock(pid));
            waiters.add(pid);
        }
        LockWaitsDetector detector = new LockWaitsDetector(target);
        Map<String, String> settings = Map.of("warning", "1s", "critical", "10m");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Finding f = onlyChain(detector, settings);
            assertThat(f.subject()).isEqualTo("sessions blocked by pid " + rootPid);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.problem()).isEqualTo(Problem.DATABASE_DEADLOCKS);
            assertThat(f.evidence())
                    .containsEntry("root_pid", rootPid)
                    .containsEntry("blocked_sessions", 3)
                    .containsEntry("relation", "inventory")
                    .containsEntry("root_state", "idle in transaction")
                    .containsEntry("root_application", "checkout-api")
                    .containsEntry("chain", waiters.get(2) + " -> " + waiters.get(1) + " -> " + waiters.get(0) + " -> " + rootPid)
                    .containsEntry("chain_depth", 3)
                    .containsEntry("wait_measured", pg.serverVersionNum() >= 140000
                            ? "from pg_locks.waitstart" : "from query start (an upper bound)");
            assertThat(f.evidence().get("root_query")).isEqualTo("update inventory set stock = stock - $1 where sku = $2");
            assertThat(f.evidence().get("locked").toString()).isEqualTo("row (0,7) of inventory");
            // inventory is no child of a foreign key: no structural cause to name
            assertThat(f.evidence()).doesNotContainKey("unindexed_foreign_key");
            assertThat((Double) f.evidence().get("longest_wait_seconds")).isGreaterThanOrEqualTo(1.0);
            assertThat(f.summary()).startsWith("pid " + rootPid + " (checkout-api as ")
                    .contains("idle in transaction for").contains("blocks 3 sessions waiting on row (0,7) of inventory");
            assertThat(f.hint()).contains("pg_terminate_backend(" + rootPid + ")");
        });

        SimpleMeterRegistry registry = Sessions.publish(detector, settings);
        // server-wide gauges: at least this test's waits (other tests may add theirs on a shared server)
        assertThat(Sessions.gauge(registry, "postgres.locks.waiting_sessions", "target", "shop")).isGreaterThanOrEqualTo(3);
        assertThat(Sessions.gauge(registry, "postgres.locks.root_blockers", "target", "shop")).isGreaterThanOrEqualTo(1);
        assertThat(Sessions.gauge(registry, "postgres.locks.max_chain_depth", "target", "shop")).isGreaterThanOrEqualTo(3);
        assertThat(Sessions.gauge(registry, "postgres.locks.longest_wait", "target", "shop")).isGreaterThanOrEqualTo(1);
        assertThat(Sessions.gauge(registry, "postgres.locks.waiting_by_type", "locktype", "transactionid")).isGreaterThanOrEqualTo(1);
        assertThat(Sessions.gauge(registry, "postgres.locks.waiting_by_type", "locktype", "tuple")).isGreaterThanOrEqualTo(2);
        assertThat(Sessions.gauge(registry, "postgres.locks.table_utilization", "target", "shop")).isBetween(0.0, 0.5);

        // the root commits: the chain drains and the finding goes
        exec(a, "commit");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Sessions.findings(detector, settings)).noneMatch(x -> pg.database().equals(x.evidence().get("root_database"))));
    }

    @Test
    void manySessionsQueuedOnOneRowIsAHotRow() throws Exception {
        Connection holder = sessions.open("stock-keeper");
        exec(holder, "begin", "update inventory set stock = stock - 1 where sku = 3");
        int holderPid = pid(holder);
        int queued = 12;
        for (int i = 0; i < queued; i++) {
            Connection w = sessions.open("checkout-" + i);
            sessions.async(w, "update inventory set stock = stock - 1 where sku = 3");
        }
        HotRowsDetector detector = new HotRowsDetector(target);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Finding> findings = Sessions.findings(detector, Map.of()).stream()
                    .filter(x -> pg.database().equals(x.evidence().get("database"))).toList();
            assertThat(findings).hasSize(1);
            Finding f = findings.get(0);
            assertThat(f.subject()).isEqualTo("hot rows in inventory");
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.problem()).isEqualTo(Problem.PERFORMANCE_HOTSPOTS);
            assertThat(f.evidence())
                    .containsEntry("relation", "inventory")
                    .containsEntry("queued_sessions", (long) queued)
                    .containsEntry("rows", 1)
                    .containsEntry("hottest_row_ctid", "(0,3)")
                    .containsEntry("row_held_by_pid", Integer.toString(holderPid));
            assertThat(f.summary()).isEqualTo(queued + " sessions queue to lock row (0,3) of inventory; the longest has waited "
                    + f.summary().substring(f.summary().indexOf("waited ") + 7));
            assertThat(f.holdFor()).isEqualTo(Duration.ofSeconds(15));
        });
        SimpleMeterRegistry registry = Sessions.publish(detector, Map.of());
        assertThat(Sessions.gauge(registry, "postgres.hot_rows.queued_sessions", "target", "shop")).isGreaterThanOrEqualTo(queued);
        assertThat(Sessions.gauge(registry, "postgres.hot_rows.top_relation_sessions", "rank", "1")).isGreaterThanOrEqualTo(queued);
        assertThat(Sessions.gauge(registry, "postgres.hot_rows.hottest_row_sessions", "target", "shop")).isGreaterThanOrEqualTo(queued);
    }

    @Test
    void conflictsScatteredOverManyRowsAreNotAHotRow() throws Exception {
        Connection holder = sessions.open("batch");
        exec(holder, "begin", "update inventory set stock = stock - 1 where sku between 11 and 16");
        for (int sku = 11; sku <= 16; sku++) {
            for (int i = 0; i < 2; i++) {
                sessions.async(sessions.open("checkout"), "update inventory set stock = stock - 1 where sku = " + sku);
            }
        }
        HotRowsDetector detector = new HotRowsDetector(target);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            SimpleMeterRegistry registry = Sessions.publish(detector, Map.of());
            assertThat(Sessions.gauge(registry, "postgres.hot_rows.queued_sessions", "target", "shop")).isGreaterThanOrEqualTo(12);
        });
        assertThat(Sessions.findings(detector, Map.of())).noneMatch(x -> pg.database().equals(x.evidence().get("database")));
    }

    @Test
    void aWaitOnTheChildOfAnUnindexedForeignKeyNamesTheCause() throws Exception {
        try (Connection c = pg.connect()) {
            exec(c, "drop table if exists orders", "drop table if exists customers",
                    "create table customers(id int primary key, name text)",
                    "insert into customers select g, 'c' || g from generate_series(1, 10) g",
                    // no index on orders.customer_id: a delete on customers scans orders and locks its rows
                    "create table orders(id int primary key, customer_id int references customers, note text)",
                    "insert into orders select g, 1 + g % 10, 'n' from generate_series(1, 100) g");
        }
        try {
            Connection worker = sessions.open("order-worker");
            int rootPid = pid(worker);
            exec(worker, "begin", "select id from orders where customer_id = 3 for update");
            // the foreign key's check (select ... for key share) queues behind the rows the worker locked
            Connection cleanup = sessions.open("customer-cleanup");
            int waiterPid = pid(cleanup);
            sessions.async(cleanup, "delete from customers where id = 3");
            await().atMost(Duration.ofSeconds(20)).until(() -> sessions.waitingOnLock(waiterPid));

            LockWaitsDetector detector = new LockWaitsDetector(target);
            Map<String, String> settings = Map.of("warning", "1s", "critical", "10m");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Finding f = onlyChain(detector, settings);
                assertThat(f.subject()).isEqualTo("sessions blocked by pid " + rootPid);
                assertThat(f.evidence()).containsEntry("relation", "orders")
                        .containsEntry("unindexed_foreign_key", "public.orders.customer_id references public.customers "
                                + "without an index: deletes on public.customers lock-scan public.orders "
                                + "(orders_customer_id_fkey; postgres.foreign-keys has the index to create)");
            });
            // the cause itself is postgres.foreign-keys' finding, a warning while the child has lock waits
            Detection fks = dev.telltale.postgres.support.Runs.detect(
                    new dev.telltale.postgres.internal.schema.ForeignKeysDetector(target), Map.of());
            Finding cause = fks.findings().stream().filter(x -> x.subject().equals("public.orders (orders_customer_id_fkey)"))
                    .findFirst().orElseThrow();
            assertThat(cause.severity()).isEqualTo(Severity.WARNING);
            assertThat((Long) cause.evidence().get("child_lock_waiters")).isGreaterThanOrEqualTo(1L);
            assertThat(Sessions.findings(detector, settings)).noneMatch(x -> x.detector().equals("postgres.foreign-keys"));
            exec(worker, "rollback");
        } finally {
            sessions.close();
            try (Connection c = pg.connect()) {
                exec(c, "drop table if exists orders", "drop table if exists customers");
            }
        }
    }

    /** The one chain of this test's database (the server may be shared with other tests). */
    private Finding onlyChain(LockWaitsDetector detector, Map<String, String> settings) throws Exception {
        List<Finding> findings = Sessions.findings(detector, settings).stream()
                .filter(x -> pg.database().equals(x.evidence().get("root_database"))).toList();
        assertThat(findings).hasSize(1);
        return findings.get(0);
    }
}
