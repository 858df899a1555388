package dev.telltale.postgres.integrity;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.testkit.DetectorHarness;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;

/** Small helpers shared by the integrity ITs. */
final class Runs {
    private Runs() {
    }

    static Detection detect(Detector d) throws Exception {
        return detect(d, Duration.ofSeconds(20));
    }

    static Detection detect(Detector d, Duration timeout) throws Exception {
        return DetectorHarness.of(d).set("timeout", timeout.toMillis() + "ms").run();
    }

    static Finding only(Detection d) {
        if (d.findings().size() != 1) {
            throw new AssertionError("expected one finding, got " + d.findings());
        }
        return d.findings().get(0);
    }

    static void sql(Connection c, String... statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    /** Runs {@code n} tasks on {@code n} threads at once and waits for all; rethrows the first failure. */
    static <T> List<T> concurrently(int n, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit(task));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) {
                out.add(f.get(2, TimeUnit.MINUTES));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
