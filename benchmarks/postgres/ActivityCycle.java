import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresTargetAccess;
import dev.telltale.postgres.internal.QueryRunner;
import dev.telltale.testkit.DetectorHarness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times cycles of the detectors of PostgresDetectors.forTarget against a server, as the engine would run them
 * (one after the other on the target's one connection), and prints per detector the median and worst time,
 * the rows read per cycle, and the findings of the last cycle.
 * Usage: java -cp <classpath> ActivityCycle.java <jdbc or postgresql URL> <cycles>
 */
public class ActivityCycle {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int cycles = Integer.parseInt(args[1]);
        try (PostgresTarget target = PostgresTarget.fromUrl("bench", url)) {
            List<Detector> detectors = PostgresDetectors.forTarget(target);
            Map<String, List<Double>> millis = new LinkedHashMap<>();
            Map<String, Long> rows = new LinkedHashMap<>();
            Map<String, Long> queries = new LinkedHashMap<>();
            List<Double> cycleMillis = new ArrayList<>();
            List<Finding> last = new ArrayList<>();
            runCycle(detectors, target, new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>()); // warm-up
            for (int i = 0; i < cycles; i++) {
                last.clear();
                long t0 = System.nanoTime();
                runCycle(detectors, target, millis, rows, queries, last);
                cycleMillis.add((System.nanoTime() - t0) / 1e6);
            }
            System.out.printf(Locale.ROOT, "%-24s %10s %10s %14s %14s%n", "detector", "median ms", "max ms", "queries/cycle", "rows/cycle");
            for (String id : millis.keySet()) {
                List<Double> m = millis.get(id);
                System.out.printf(Locale.ROOT, "%-24s %10.1f %10.1f %14.1f %14.1f%n", id, median(m), max(m),
                        queries.get(id) / (double) cycles, rows.get(id) / (double) cycles);
            }
            long totalRows = rows.values().stream().mapToLong(Long::longValue).sum();
            long totalQueries = queries.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf(Locale.ROOT, "%-24s %10.1f %10.1f %14.1f %14.1f%n", "one cycle (all)", median(cycleMillis),
                    max(cycleMillis), totalQueries / (double) cycles, totalRows / (double) cycles);
            System.out.println();
            System.out.println("findings of the last cycle:");
            for (Finding f : last) {
                System.out.println("  " + f.severity() + " " + f.detector() + " [" + f.subject() + "] " + f.summary());
            }
        }
    }

    private static void runCycle(List<Detector> detectors, PostgresTarget target, Map<String, List<Double>> millis,
                                 Map<String, Long> rows, Map<String, Long> queries, List<Finding> findings) throws Exception {
        for (Detector d : detectors) {
            QueryRunner.Stats before = PostgresTargetAccess.queries(target).stats();
            long t0 = System.nanoTime();
            Detection detection = DetectorHarness.of(d).set("timeout", "10s").run();
            double ms = (System.nanoTime() - t0) / 1e6;
            QueryRunner.Stats after = PostgresTargetAccess.queries(target).stats();
            millis.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(ms);
            rows.merge(d.id(), after.rows() - before.rows(), Long::sum);
            queries.merge(d.id(), after.queries() - before.queries(), Long::sum);
            if (detection.isSkipped()) {
                throw new IllegalStateException(d.id() + " skipped: " + detection.skipReason().orElseThrow());
            }
            findings.addAll(detection.findings());
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
