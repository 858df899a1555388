package dev.telltale.cli.it;

import dev.telltale.testkit.TestPostgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Sessions held open on a real PostgreSQL for the jar to find: transactions that keep their locks, and
 * statements that block on them or run long. Closing releases them all (closing a holder rolls it back,
 * which lets its waiters finish).
 */
final class HeldSessions implements AutoCloseable {
    private final TestPostgres pg;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Connection> connections = new ArrayList<>();

    HeldSessions(TestPostgres pg) {
        this.pg = pg;
    }

    /**
     * Table {@code stock} with ten products and a lock chain on product 3: one open transaction that updated
     * it, and {@code waiters} sessions queued behind it.
     */
    static HeldSessions stockLockChain(TestPostgres pg, int waiters) throws Exception {
        HeldSessions held = new HeldSessions(pg);
        held.run("create table stock (product_id int primary key, quantity int not null)",
                "insert into stock select g, 10 from generate_series(1, 10) g");
        held.holdOpen("update stock set quantity = quantity where product_id = 3");
        for (int i = 0; i < waiters; i++) {
            held.inBackground("update stock set quantity = quantity - 1 where product_id = 3");
        }
        held.awaitSessions("wait_event_type = 'Lock'", waiters);
        return held;
    }

    /** Runs statements on a connection of its own, committed at once. */
    void run(String... sql) throws Exception {
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** Runs {@code sql} in a transaction that stays open, with its locks, until {@link #close}. */
    void holdOpen(String sql) throws Exception {
        Connection holder = pg.connect();
        connections.add(holder);
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
            st.execute(sql);
        }
    }

    /** Runs {@code sql} on a connection of its own on another thread: it blocks or runs long until {@link #close}. */
    void inBackground(String sql) throws Exception {
        Connection c = pg.connect();
        connections.add(c);
        threads.submit(() -> {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
            return null;
        });
    }

    /** Waits until at least {@code count} sessions of the test database meet {@code condition} (on pg_stat_activity). */
    void awaitSessions(String condition, int count) throws Exception {
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (ResultSet rs = st.executeQuery("select count(*) from pg_stat_activity where datname = current_database()"
                        + " and (" + condition + ")")) {
                    rs.next();
                    return rs.getInt(1) >= count;
                }
            });
        }
    }

    @Override
    public void close() throws Exception {
        for (Connection c : connections) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the holder's rollback releases the waiters
            }
        }
        threads.shutdownNow();
        threads.awaitTermination(30, TimeUnit.SECONDS);
    }
}
