package dev.telltale.benchmarks.integrity;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityChecks;
import dev.telltale.postgres.internal.PostgresTargetAccess;
import dev.telltale.testkit.DetectorHarness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One full ranged pass of integrity.duplicates (payments.idempotency_key, succeeded only) and integrity.orphans
 * (order_items.order_id -> orders) over 10,000,000-row tables, in scheduled-style runs of 30 s, while writers
 * update and insert rows with a 200 ms lock timeout. Prints rows per second, the CPU of the telltale backend
 * (sampled from /proc each 250 ms: the server is local), lock waits seen in pg_stat_activity, and writer errors.
 *
 * <pre>java -cp .. dev.telltale.benchmarks.integrity.IntegrityScan jdbc-url [chunk-rows] [writers]</pre>
 */
public final class IntegrityScan {
    private static final long TICKS = 100;   // USER_HZ on Linux

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int chunk = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int writers = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        try (PostgresTarget target = PostgresTarget.builder("bench").url(url).statementTimeout(Duration.ofSeconds(30)).build()) {
            IntegrityChecks checks = IntegrityChecks.on(target);
            checks.duplicates("payments").key("idempotency_key").where("status = 'succeeded'")
                    .problem(Problem.DOUBLE_CHARGE_PAYMENT).chunkRows(chunk).add();
            checks.orphans("order_items").references("orders", "order_id").chunkRows(chunk).add();
            checks.validate(Duration.ofSeconds(10));
            int backend = PostgresTargetAccess.server(target, Duration.ofSeconds(10)).backendPid();
            System.out.printf("chunk-rows %d, writers %d, telltale backend pid %d%n", chunk, writers, backend);
            for (Detector d : checks.detectors()) {
                measure(url, d, backend, writers);
            }
        }
    }

    private static void measure(String url, Detector d, int backend, int writers) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        AtomicLong writeErrors = new AtomicLong();
        AtomicLong maxWriteMicros = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            threads.add(daemon(() -> write(url, stop, writes, writeErrors, maxWriteMicros)));
        }
        double[] peakCpu = {0};
        long[] lockSamples = {0, 0};
        Thread sampler = daemon(() -> sample(url, backend, stop, peakCpu, lockSamples));
        long cpuStart = cpuTicks(backend);
        long start = System.nanoTime();
        long rows = 0;
        int runs = 0;
        Finding last = null;
        DetectorHarness scan = DetectorHarness.of(d).set("timeout", "30s");
        while (true) {
            Detection r = scan.run();
            runs++;
            Finding f = r.findings().isEmpty() ? null : r.findings().get(0);
            if (f != null) {
                last = f;
                rows += ((Number) f.evidence().get("rows scanned")).longValue();
                if (((Number) f.evidence().get("passes completed")).longValue() >= 1) {
                    break;
                }
            } else if (runs > 1000) {
                throw new IllegalStateException("no finding from " + d.id());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = cpuTicks(backend) - cpuStart;
        stop.set(true);
        sampler.join();
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf("%n%s: %d runs of 30 s, %.1f s for one pass of %,d rows: %,.0f rows/s%n", d.id(), runs, seconds, rows, rows / seconds);
        System.out.printf("  telltale backend CPU: %.1f s (%.0f %% of one core on average, peak %.0f %% over 250 ms samples)%n",
                cpu / (double) TICKS, 100.0 * cpu / TICKS / seconds, peakCpu[0]);
        System.out.printf("  writers: %,d writes, %d errors (lock timeouts included), slowest write %.1f ms%n",
                writes.get(), writeErrors.get(), maxWriteMicros.get() / 1000.0);
        System.out.printf("  lock waits seen in pg_stat_activity: %d of %d samples%n", lockSamples[0], lockSamples[1]);
        System.out.printf("  finding: %s | %s%n", last.summary(), last.evidence());
    }

    private static void write(String url, AtomicBoolean stop, AtomicLong writes, AtomicLong errors, AtomicLong maxMicros) {
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute("set lock_timeout = '200ms'");
            }
            PreparedStatement update = c.prepareStatement("update payments set amount = amount + 1 where id = ?");
            PreparedStatement insert = c.prepareStatement("insert into order_items(id, order_id, sku, qty) "
                    + "values (nextval('bench_item_ids'), ?, 'new', 1)");
            while (!stop.get()) {
                long t0 = System.nanoTime();
                try {
                    update.setLong(1, ThreadLocalRandom.current().nextLong(1, 10_000_000));
                    update.executeUpdate();
                    insert.setLong(1, ThreadLocalRandom.current().nextLong(1, 1_000_000));
                    insert.executeUpdate();
                    writes.addAndGet(2);
                } catch (SQLException e) {
                    errors.incrementAndGet();
                }
                maxMicros.accumulateAndGet((System.nanoTime() - t0) / 1000, Math::max);
            }
        } catch (SQLException e) {
            errors.incrementAndGet();
        }
    }

    private static void sample(String url, int backend, AtomicBoolean stop, double[] peak, long[] locks) {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement q = c.prepareStatement("select count(*) from pg_stat_activity where datname = current_database() "
                     + "and wait_event_type = 'Lock'")) {
            long prev = cpuTicks(backend);
            long prevT = System.nanoTime();
            while (!stop.get()) {
                Thread.sleep(250);
                long now = cpuTicks(backend);
                long t = System.nanoTime();
                peak[0] = Math.max(peak[0], 100.0 * (now - prev) / TICKS / ((t - prevT) / 1e9));
                prev = now;
                prevT = t;
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        locks[0]++;
                    }
                    locks[1]++;
                }
            }
        } catch (Exception e) {
            System.err.println("sampler: " + e);
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** utime + stime of a local process, in clock ticks. */
    private static long cpuTicks(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }
}
