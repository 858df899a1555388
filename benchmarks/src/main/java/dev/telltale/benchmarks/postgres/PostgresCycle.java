package dev.telltale.benchmarks.postgres;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.testkit.DetectorHarness;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/**
 * One full cycle of every server detector against a database: per detector the wall time, the server time
 * and rows of its own queries (from pg_stat_statements, by the {@code telltale:} comment), and the bytes the
 * client allocated; then the heap retained after GC. The first pass takes the delta snapshots, the second is
 * the measured cycle (what a scheduler does every interval).
 *
 * <pre>java -cp .. dev.telltale.benchmarks.postgres.PostgresCycle jdbc:postgresql://127.0.0.1:PORT/bench?user=postgres</pre>
 */
public final class PostgresCycle {
    private PostgresCycle() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (PostgresTarget target = PostgresTarget.builder("bench").url(url).maxRows(100_000).build();
             Connection stats = DriverManager.getConnection(url)) {
            List<Detector> detectors = PostgresDetectors.forTarget(target);
            for (Detector d : detectors) {
                run(d); // the snapshot pass
            }
            System.gc();
            long heapBefore = usedHeap();
            System.out.printf("%-24s %10s %12s %10s %12s %s%n", "detector", "wall ms", "server ms", "rows", "alloc KB", "outcome");
            double wallTotal = 0;
            double serverTotal = 0;
            long rowsTotal = 0;
            long allocTotal = 0;
            for (Detector d : detectors) {
                double[] before = ownQueries(stats, d.id());
                long alloc0 = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                long t0 = System.nanoTime();
                String outcome;
                try {
                    Detection r = run(d);
                    outcome = r.isSkipped() ? "skipped: " + r.skipReason().orElse("") : r.findings().size() + " findings";
                } catch (Exception e) {
                    outcome = "error: " + e.getMessage();
                }
                double wall = (System.nanoTime() - t0) / 1e6;
                long alloc = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - alloc0;
                double[] after = ownQueries(stats, d.id());
                double server = after[0] - before[0];
                long rows = (long) (after[1] - before[1]);
                wallTotal += wall;
                serverTotal += server;
                rowsTotal += rows;
                allocTotal += alloc;
                System.out.printf("%-24s %10.1f %12.1f %10d %12d %s%n", d.id(), wall, server, rows, alloc / 1024, outcome);
            }
            System.gc();
            long heapAfter = usedHeap();
            System.out.printf("%-24s %10.1f %12.1f %10d %12d%n", "TOTAL", wallTotal, serverTotal, rowsTotal, allocTotal / 1024);
            System.out.printf("heap used after GC: %.1f MB before the cycle, %.1f MB after; max heap %.0f MB%n",
                    heapBefore / 1048576.0, heapAfter / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
        }
    }

    private static Detection run(Detector d) throws Exception {
        return DetectorHarness.of(d).set("timeout", "30s").run();
    }

    /** Server time (ms) and rows of the statements the detector sent, tagged telltale:<sql name>. */
    private static double[] ownQueries(Connection c, String detectorId) throws Exception {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select coalesce(sum(total_exec_time + total_plan_time), 0), coalesce(sum(rows), 0) "
                     + "from pg_stat_statements where query like '/* telltale%' and dbid = (select oid from pg_database where datname = current_database())")) {
            rs.next();
            return new double[]{rs.getDouble(1), rs.getDouble(2)};
        }
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
