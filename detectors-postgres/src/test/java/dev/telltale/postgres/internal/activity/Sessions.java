package dev.telltale.postgres.internal.activity;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.testkit.DetectorHarness;
import dev.telltale.testkit.TestPostgres;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real client sessions for inducing symptoms: opened on the test database, each can run a statement in the
 * background (a blocked update, a pg_sleep). Closing terminates every backend it opened, so no test leaves
 * a lock or a sleeping query behind for the next one.
 */
final class Sessions implements AutoCloseable {
    private final TestPostgres pg;
    private final List<Connection> connections = new ArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-session");
        t.setDaemon(true);
        return t;
    });

    Sessions(TestPostgres pg) {
        this.pg = pg;
    }

    Connection open(String application) throws SQLException {
        Connection c = pg.connect();
        try (Statement s = c.createStatement()) {
            s.execute("set application_name = '" + application + "'");
        }
        synchronized (connections) {
            connections.add(c);
        }
        return c;
    }

    static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Runs the statements on {@code c}, in order. */
    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    /** Runs {@code sql} on {@code c} in the background; the future fails with the statement's error. */
    CompletableFuture<Void> async(Connection c, String sql) {
        return CompletableFuture.runAsync(() -> {
            try {
                exec(c, sql);
            } catch (SQLException e) {
                throw new RuntimeException(e);
            }
        }, background);
    }

    /** Polls pg_stat_activity (as the test's superuser) until {@code pid} waits on a lock. */
    boolean waitingOnLock(int pid) throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select wait_event_type from pg_stat_activity where pid = " + pid)) {
            return rs.next() && "Lock".equals(rs.getString(1));
        }
    }

    @Override
    public void close() throws SQLException {
        List<Integer> pids = new ArrayList<>();
        synchronized (connections) {
            for (Connection c : connections) {
                try {
                    if (!c.isClosed()) {
                        pids.add(((org.postgresql.PGConnection) c.unwrap(org.postgresql.PGConnection.class)).getBackendPID());
                    }
                } catch (SQLException ignored) {
                    // already gone
                }
            }
        }
        if (!pids.isEmpty()) {
            try (Connection admin = pg.connect(); Statement s = admin.createStatement()) {
                s.execute("select pg_terminate_backend(pid) from pg_stat_activity where pid in ("
                        + pids.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow() + ")");
            }
        }
        synchronized (connections) {
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // terminated above
                }
            }
            connections.clear();
        }
        background.shutdownNow();
    }

    /** One detection, as the engine would run it, with settings by name relative to the detector. */
    static Detection detect(Detector detector, Map<String, String> settings) throws Exception {
        return DetectorHarness.of(detector).set("timeout", "10s").settings(settings).run();
    }

    static List<Finding> findings(Detector detector, Map<String, String> settings) throws Exception {
        Detection d = detect(detector, settings);
        assertThat(d.skipReason()).as("skip reason").isEmpty();
        return d.findings();
    }

    /** Runs the detector through an engine bound to a fresh registry and returns the registry. */
    static SimpleMeterRegistry publish(Detector detector, Map<String, String> settings) throws Exception {
        DetectorEngine.Builder b = DetectorEngine.builder().detector(detector);
        settings.forEach((k, v) -> b.set(detector.id() + "." + k, v));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // left open on purpose: its gauges read the engine's latest values; its threads are daemons
        DetectorEngine engine = b.build();
        engine.bindTo(registry);
        var report = engine.runOnce(Duration.ZERO);
        assertThat(report.runs()).allSatisfy(r -> assertThat(r.outcome().kind()).as(r.toString()).isEqualTo("ok"));
        return registry;
    }

    static double gauge(SimpleMeterRegistry registry, String name, String... tags) {
        Gauge g = registry.find("telltale." + name).tags(tags).gauge();
        assertThat(g).as("gauge telltale." + name + " " + List.of(tags)).isNotNull();
        return g.value();
    }
}
