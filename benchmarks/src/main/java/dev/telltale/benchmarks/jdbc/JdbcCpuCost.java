package dev.telltale.benchmarks.jdbc;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;

/**
 * The statement of {@link StatementOverheadBenchmark} along each of {@link JdbcPaths}, timed as thread
 * CPU time, for a machine too busy for JMH's wall-clock numbers to mean much: time the thread is
 * descheduled is not counted. The paths take turns within each round, so a burst of load elsewhere
 * hits them alike. Prints the best and median of the rounds (ns per statement) and the bytes allocated
 * per statement (the thread's allocation counter).
 *
 * <pre>
 * java -cp "$CP" dev.telltale.benchmarks.jdbc.JdbcCpuCost [rounds] [statements per round]
 * </pre>
 */
public final class JdbcCpuCost {
    private static int sink;

    private JdbcCpuCost() {
    }

    public static void main(String[] args) throws SQLException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<String, Connection> paths = JdbcPaths.open();
        String[] names = paths.keySet().toArray(new String[0]);
        double[][] nanos = new double[names.length][rounds];
        double[] bytes = new double[names.length];
        long id = 0;
        for (Connection c : paths.values()) { // warm-up: every path compiled before the first round
            for (int i = 0; i < 2 * calls; i++) {
                sink += JdbcPaths.run(c, id++) == null ? 1 : 0;
            }
        }
        long self = Thread.currentThread().getId();
        for (int r = 0; r < rounds; r++) {
            for (int p = 0; p < names.length; p++) {
                Connection c = paths.get(names[p]);
                long a0 = threads.getThreadAllocatedBytes(self);
                long t0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < calls; i++) {
                    sink += JdbcPaths.run(c, id++) == null ? 1 : 0;
                }
                nanos[p][r] = (threads.getCurrentThreadCpuTime() - t0) / (double) calls;
                bytes[p] = (threads.getThreadAllocatedBytes(self) - a0) / (double) calls;
            }
        }
        System.out.printf("%-28s %12s %14s %12s%n", "path", "best ns/op", "median ns/op", "B/op");
        for (int p = 0; p < names.length; p++) {
            Arrays.sort(nanos[p]);
            System.out.printf("%-28s %12.1f %14.1f %12.1f%n", names[p], nanos[p][0], nanos[p][rounds / 2], bytes[p]);
        }
        System.out.println("(" + sink + ")");
        for (Connection c : paths.values()) {
            c.close();
        }
    }
}
