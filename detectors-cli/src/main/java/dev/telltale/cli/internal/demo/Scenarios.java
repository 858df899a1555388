package dev.telltale.cli.internal.demo;

import dev.telltale.core.Problem;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The catalogue's problems as real workloads against the demo shop. */
final class Scenarios {
    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    /** The shop's integrity checks, as a telltale.yaml would configure them. */
    static final Map<String, Object> INTEGRITY = Map.of(
            "negative-values", List.of(Map.of("table", "stock", "column", "quantity")),
            "duplicates", List.of(Map.of("table", "payments", "key", "idempotency_key", "where", "status = 'succeeded'",
                    "problem", "concurrency/double-charge-payment", "severity", "critical")),
            "orphans", List.of(Map.of("table", "order_items", "references", List.of("order_id"), "parent", "orders")));

    private Scenarios() {
    }

    static List<Scenario> all() {
        List<Scenario> s = new ArrayList<>();
        s.add(new Scenario("Lock chain: three checkouts queue behind one open transaction on a stock row",
                Problem.DATABASE_DEADLOCKS, "postgres.lock-waits",
                Map.of("warning", "1s", "critical", "3s"), TIMEOUT, Scenarios::lockChain));
        s.add(new Scenario("Deadlock: two transfers lock the same rows in opposite order",
                Problem.DATABASE_DEADLOCKS, "postgres.deadlocks", Map.of(), TIMEOUT, Scenarios::deadlock));
        s.add(new Scenario("Idle in transaction: a request opened a transaction and went away",
                Problem.CONNECTION_POOL_STARVATION, "postgres.long-running",
                Map.of("idle-in-transaction.warning", "2s", "idle-in-transaction.critical", "1h"),
                TIMEOUT, Scenarios::idleInTransaction));
        s.add(new Scenario("Runaway query: a report keeps running after its caller timed out",
                Problem.TIMEOUT_DOMINO_EFFECT, "postgres.long-running",
                Map.of("active.warning", "2s", "caller-timeout", "2s"), TIMEOUT, Scenarios::runawayQuery));
        s.add(new Scenario("Unused and duplicate indexes: two identical indexes on orders.customer_id",
                Problem.UNUSED_INDEXES, "postgres.indexes", Map.of("unused.min-size", "0", "unused.min-stats-age", "0s"), TIMEOUT,
                Scenarios::duplicateIndexes));
        s.add(new Scenario("Hot key: every request reads the same product from the cache",
                Problem.PERFORMANCE_HOTSPOTS, "redis.hot-keys", Map.of(), TIMEOUT, Scenarios::hotKey));
        s.add(new Scenario("Big key: a cart that grew to 200 000 items",
                Problem.SLOW_QUERIES, "redis.big-keys", Map.of(), TIMEOUT, Scenarios::bigKey));
        s.add(new Scenario("Hit-ratio collapse: the cache was emptied and every read misses",
                Problem.THUNDERING_HERD, "redis.cache-efficiency",
                // the demo's Redis has just started: without this, the collapse is explained away as a cold cache
                Map.of("explain-window", "0s"), TIMEOUT, Scenarios::cacheMisses));
        s.add(new Scenario("Oversold stock: two buyers check the last item, both see 1, both take it",
                Problem.RACE_CONDITION_INVENTORY, "integrity.negative-values", Map.of(), TIMEOUT, Scenarios::oversell));
        s.add(new Scenario("Double charge: a retried payment request charges the same idempotency key twice",
                Problem.DOUBLE_CHARGE_PAYMENT, "integrity.duplicates", Map.of(), TIMEOUT, Scenarios::doubleCharge));
        s.add(new Scenario("Orphans: an order is deleted and its items stay behind",
                Problem.ORPHANED_RECORDS, "integrity.orphans", Map.of(), TIMEOUT, Scenarios::orphans));
        return s;
    }

    // ---------------------------------------------------------------- integrity (the application's own tables)

    /** Check-then-act without a lock: both buyers read quantity 1, both decrement. */
    private static AutoCloseable oversell(DemoEnv env) throws Exception {
        exec(env, "update stock set quantity = 1 where product_id = 99");
        CountDownLatch bothRead = new CountDownLatch(2);
        List<Future<?>> buyers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            buyers.add(env.threads.submit(() -> {
                try (Connection c = env.connect(); Statement st = c.createStatement()) {
                    int left;
                    try (var rs = st.executeQuery("select quantity from stock where product_id = 99")) {
                        rs.next();
                        left = rs.getInt(1);
                    }
                    bothRead.countDown();
                    bothRead.await(10, TimeUnit.SECONDS);
                    if (left > 0) {
                        st.execute("update stock set quantity = quantity - 1 where product_id = 99");
                    }
                }
                return null;
            }));
        }
        buyers.forEach(Scenarios::waitQuietly);
        return () -> exec(env, "update stock set quantity = 50 where product_id = 99");
    }

    /** Two copies of one payment request: each checks for a succeeded charge, sees none, and charges. */
    private static AutoCloseable doubleCharge(DemoEnv env) throws Exception {
        CountDownLatch bothChecked = new CountDownLatch(2);
        List<Future<?>> requests = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            requests.add(env.threads.submit(() -> {
                try (Connection c = env.connect(); Statement st = c.createStatement()) {
                    boolean charged;
                    try (var rs = st.executeQuery("select count(*) from payments where idempotency_key = 'pay-retry-77'"
                            + " and status = 'succeeded'")) {
                        rs.next();
                        charged = rs.getInt(1) > 0;
                    }
                    bothChecked.countDown();
                    bothChecked.await(10, TimeUnit.SECONDS);
                    if (!charged) {
                        st.execute("insert into payments (order_id, idempotency_key, status, amount_cents)"
                                + " values (77, 'pay-retry-77', 'succeeded', 4999)");
                    }
                }
                return null;
            }));
        }
        requests.forEach(Scenarios::waitQuietly);
        return () -> exec(env, "delete from payments where idempotency_key = 'pay-retry-77'");
    }

    /** No foreign key, and a delete that forgets the children. */
    private static AutoCloseable orphans(DemoEnv env) throws Exception {
        exec(env, "delete from orders where id = 1500");
        return () -> exec(env, "insert into orders (id, customer_id, status) values (1500, 1, 'paid')");
    }

    // ---------------------------------------------------------------- PostgreSQL

    /** One transaction holds a stock row; three more wait for it, one behind the other. */
    private static AutoCloseable lockChain(DemoEnv env) throws Exception {
        Connection holder = env.connect();
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
            st.execute("update stock set quantity = quantity where product_id = 7");
        }
        List<Connection> waiters = new ArrayList<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Connection w = env.connect();
            waiters.add(w);
            futures.add(env.threads.submit(() -> {
                try (Statement st = w.createStatement()) {
                    st.execute("update stock set quantity = quantity - 1 where product_id = 7");
                }
                return null;
            }));
        }
        return () -> {
            holder.rollback();
            holder.close();
            for (Future<?> f : futures) {
                waitQuietly(f);
            }
            for (Connection w : waiters) {
                w.close();
            }
        };
    }

    /** Two sessions update rows 1 and 2 in opposite orders until PostgreSQL aborts one of them, a few times. */
    private static AutoCloseable deadlock(DemoEnv env) {
        AtomicBoolean running = new AtomicBoolean(true);
        Future<?> loop = env.threads.submit(() -> {
            int rounds = 0;
            while (running.get() && rounds++ < 5) {
                CountDownLatch bothLocked = new CountDownLatch(2);
                Future<?> a = env.threads.submit(() -> transfer(env, 1, 2, bothLocked));
                Future<?> b = env.threads.submit(() -> transfer(env, 2, 1, bothLocked));
                waitQuietly(a);
                waitQuietly(b);
            }
            return null;
        });
        return () -> {
            running.set(false);
            waitQuietly(loop);
        };
    }

    private static Void transfer(DemoEnv env, int first, int second, CountDownLatch bothLocked) throws Exception {
        try (Connection c = env.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("update stock set quantity = quantity where product_id = " + first);
                bothLocked.countDown();
                bothLocked.await(10, TimeUnit.SECONDS);
                st.execute("update stock set quantity = quantity where product_id = " + second);
                c.commit();
            } catch (SQLException e) {
                c.rollback(); // 40P01: the deadlock we came for
            }
        }
        return null;
    }

    private static AutoCloseable idleInTransaction(DemoEnv env) throws Exception {
        Connection c = env.connect();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.executeQuery("select count(*) from orders where status = 'paid'").close();
        }
        return () -> {
            c.rollback();
            c.close();
        };
    }

    private static AutoCloseable runawayQuery(DemoEnv env) throws Exception {
        Connection c = env.connect();
        Statement st = c.createStatement();
        Future<?> f = env.threads.submit(() -> {
            try {
                st.execute("select pg_sleep(120), count(*) from order_items");
            } catch (SQLException cancelled) {
                // cancelled when the scenario ends
            }
            return null;
        });
        return () -> {
            st.cancel();
            waitQuietly(f);
            st.close();
            c.close();
        };
    }

    private static AutoCloseable duplicateIndexes(DemoEnv env) throws Exception {
        try (Connection c = env.connect(); Statement st = c.createStatement()) {
            st.execute("create index orders_customer on orders (customer_id)");
            st.execute("create index orders_customer_again on orders (customer_id)");
            st.execute("analyze orders");
        }
        return () -> {
            try (Connection c = env.connect(); Statement st = c.createStatement()) {
                st.execute("drop index orders_customer_again");
                st.execute("drop index orders_customer");
            }
        };
    }

    // ---------------------------------------------------------------- Redis

    private static AutoCloseable hotKey(DemoEnv env) {
        StatefulRedisConnection<String, String> conn = env.redis.connect();
        RedisCommands<String, String> r = conn.sync();
        for (int i = 0; i < 500; i++) {
            r.set("product:" + i, "{\"id\":" + i + ",\"price\":" + (100 + i) + "}");
        }
        return hammer(3, () -> {
            try (StatefulRedisConnection<String, String> c = env.redis.connect()) {
                RedisCommands<String, String> cmd = c.sync();
                int i = 0;
                while (!Thread.currentThread().isInterrupted()) {
                    cmd.get("product:42");
                    if (++i % 20 == 0) {
                        cmd.get("product:" + (i % 500));
                    }
                }
            }
        }, () -> {
            conn.close();
        });
    }

    private static AutoCloseable bigKey(DemoEnv env) {
        try (StatefulRedisConnection<String, String> conn = env.redis.connect()) {
            RedisCommands<String, String> r = conn.sync();
            for (int batch = 0; batch < 200; batch++) {
                String[] items = new String[1000];
                for (int i = 0; i < items.length; i++) {
                    items[i] = "item-" + (batch * 1000 + i);
                }
                r.rpush("cart:9001", items);
            }
        }
        return () -> {
            try (StatefulRedisConnection<String, String> conn = env.redis.connect()) {
                conn.sync().unlink("cart:9001");
            }
        };
    }

    private static AutoCloseable cacheMisses(DemoEnv env) {
        return hammer(2, () -> {
            try (StatefulRedisConnection<String, String> c = env.redis.connect()) {
                RedisCommands<String, String> cmd = c.sync();
                long i = 0;
                while (!Thread.currentThread().isInterrupted()) {
                    cmd.get("session:missing:" + (i++));
                }
            }
        }, () -> {
        });
    }

    // ---------------------------------------------------------------- helpers

    interface Loop {
        void run() throws Exception;
    }

    /** Runs {@code loop} on {@code n} daemon threads until closed (by interrupting them); then runs {@code after}. */
    static AutoCloseable hammer(int n, Loop loop, Runnable after) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                try {
                    loop.run();
                } catch (Exception stopped) {
                    // interrupted or closed when the scenario ends
                }
            }, "demo-load-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return () -> {
            threads.forEach(Thread::interrupt);
            for (Thread t : threads) {
                t.join(10_000);
            }
            after.run();
        };
    }

    static void waitQuietly(Future<?> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the workload's own failure is not the demo's concern; detection is
        }
    }

    static void exec(DemoEnv env, String sql) throws SQLException {
        try (Connection c = env.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }
}
