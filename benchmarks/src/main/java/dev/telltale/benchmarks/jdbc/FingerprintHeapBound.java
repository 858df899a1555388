package dev.telltale.benchmarks.jdbc;

import dev.telltale.jvm.TelltaleJvm;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Sends 1,000,000 distinct SQL strings (half with literals of one shape, half of distinct shapes)
 * through a wrapped stub data source and prints the heap used after a full GC before and after, and
 * the cache sizes. The caches are bounded, so the heap after must stay within a fixed bound.
 *
 * <p>{@code java -Xmx256m -cp "$CP" dev.telltale.benchmarks.jdbc.FingerprintHeapBound} (see benchmarks/README.md)
 */
public final class FingerprintHeapBound {
    private FingerprintHeapBound() {
    }

    public static void main(String[] args) throws SQLException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        TelltaleJvm jvm = TelltaleJvm.builder().build();
        long before = usedAfterGc();
        long start = System.nanoTime();
        try (Connection c = jvm.wrap("heap", StubJdbc.dataSource()).getConnection(); Statement s = c.createStatement()) {
            for (int i = 0; i < n; i++) {
                s.execute(i % 2 == 0
                        ? "select * from orders where id = " + i
                        : "select col_" + i + " from orders where id = ?");
                if (i > 0 && i % 250_000 == 0) {
                    System.out.printf("%,d statements: heap after GC %,d bytes (+%,d); cached SQL %d, fingerprints %d%n",
                            i, usedAfterGc(), usedAfterGc() - before, jvm.cachedSqlStrings(), jvm.cachedFingerprints());
                }
            }
        }
        long after = usedAfterGc();
        System.out.printf("%,d distinct SQL strings in %d ms: heap after GC %,d -> %,d bytes (+%,d); cached SQL %d, fingerprints %d%n",
                n, (System.nanoTime() - start) / 1_000_000, before, after, after - before, jvm.cachedSqlStrings(), jvm.cachedFingerprints());
    }

    private static long usedAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
