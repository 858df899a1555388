package dev.telltale.cli.internal.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.telltale.core.Detector;
import dev.telltale.core.Problem;
import dev.telltale.jvm.TelltaleJvm;
import dev.telltale.jvm.UnitOfWork;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The demo's in-process part: a "shop service" inside the demo's JVM, with a HikariCP pool wrapped by
 * {@link TelltaleJvm} (N+1 and pool starvation) and a worker executor (thread-pool exhaustion).
 */
public final class JvmDemo implements InProcess {
    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    private final TelltaleJvm jvm = TelltaleJvm.builder().target("shop-service")
            .applicationPackages("dev.telltale.cli.internal.demo").build();
    private final HikariDataSource hikari;
    private final DataSource dataSource;
    private final ThreadPoolExecutor workers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4),
            r -> {
                Thread t = new Thread(r, "shop-worker");
                t.setDaemon(true);
                return t;
            });

    public JvmDemo(DemoRunner.DemoParts parts) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(parts.shopJdbcUrl());
        config.setPoolName("shop-pool");
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(1500);
        this.hikari = new HikariDataSource(config);
        this.dataSource = jvm.wrap(hikari); // keeps the pool name shop-pool and registers the pool
        jvm.registerExecutor("shop-workers", workers);
    }

    @Override
    public List<Detector> detectors() {
        return jvm.detectors();
    }

    @Override
    public List<Scenario> scenarios() {
        return List.of(
                new Scenario("N+1: the order page loads each order's items with one query per order (JDBC through HikariCP)",
                        Problem.N_PLUS_ONE_QUERY, "jdbc.n-plus-one",
                        Map.of("min-total-time", "1ms", "confirmations", "1"), TIMEOUT, env -> nPlusOne()),
                new Scenario("Pool starvation: eight requests share a pool of three connections held by slow queries",
                        Problem.CONNECTION_POOL_STARVATION, "pool.saturation",
                        Map.of("pending.for", "0s", "utilization.for", "0s"), TIMEOUT, env -> starvePool()),
                new Scenario("Thread-pool exhaustion: two workers, a full queue, and tasks rejected",
                        Problem.THREAD_POOL_EXHAUSTION, "executor.saturation",
                        Map.of("busy.for", "0s", "queue.for", "0s"), TIMEOUT, env -> exhaustWorkers()));
    }

    private AutoCloseable nPlusOne() {
        return Scenarios.hammer(1, () -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (UnitOfWork work = jvm.unitOfWork("GET /orders"); Connection c = dataSource.getConnection()) {
                    List<Long> ids = new ArrayList<>();
                    try (Statement st = c.createStatement();
                         ResultSet rs = st.executeQuery("select id from orders order by id desc limit 25")) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                    for (long id : ids) {
                        try (PreparedStatement ps = c.prepareStatement("select product_id, quantity from order_items where order_id = ?")) {
                            ps.setLong(1, id);
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    rs.getLong(1);
                                }
                            }
                        }
                    }
                }
                Thread.sleep(100);
            }
        }, () -> {
        });
    }

    private AutoCloseable starvePool() {
        return Scenarios.hammer(8, () -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                    st.execute("select pg_sleep(0.4)");
                } catch (java.sql.SQLTransientConnectionException timedOut) {
                    // the request gave up waiting for a connection: the symptom itself
                }
            }
        }, () -> {
        });
    }

    private AutoCloseable exhaustWorkers() {
        return Scenarios.hammer(1, () -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    workers.execute(() -> {
                        try {
                            Thread.sleep(300); // a slow downstream call
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                } catch (RejectedExecutionException rejected) {
                    // what callers see when the pool is exhausted
                }
                Thread.sleep(20);
            }
        }, () -> workers.getQueue().clear());
    }

    @Override
    public void close() {
        workers.shutdownNow();
        hikari.close();
    }
}
