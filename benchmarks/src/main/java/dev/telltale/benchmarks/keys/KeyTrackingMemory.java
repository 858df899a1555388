package dev.telltale.benchmarks.keys;

import dev.telltale.jvm.events.EventOrderTracker;
import dev.telltale.jvm.keys.HotKeys;
import dev.telltale.jvm.requests.IdempotencyTracker;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap retained by the trackers as distinct keys pass through them: after 0, 1, 2, 5 and 10 million
 * distinct keys, a full GC and the used heap. A structure whose memory grows with the number of distinct
 * keys shows it here; a bounded one stays flat. Run with a small heap so that growth would also fail:
 *
 * <pre>
 * java -Xmx256m -cp "$CP" dev.telltale.benchmarks.keys.KeyTrackingMemory 10000000
 * </pre>
 */
public final class KeyTrackingMemory {
    private KeyTrackingMemory() {
    }

    public static void main(String[] args) {
        long total = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long empty = retained(memory);
        HotKeys hotKeys = HotKeys.builder("memory").build();
        IdempotencyTracker idempotency = IdempotencyTracker.forRequests("memory").build();
        EventOrderTracker events = EventOrderTracker.builder("memory").build();
        long[] checkpoints = {0, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000};
        long done = 0;
        System.out.printf("%-14s %-18s %s%n", "distinct keys", "retained (MiB)", "growth since 1,000,000 keys (MiB)");
        long first = -1;
        for (long checkpoint : checkpoints) {
            if (checkpoint > total) {
                break;
            }
            for (; done < checkpoint; done++) {
                String key = "user:" + done + ":cart";
                hotKeys.record(key);
                idempotency.begin(key).close();
                events.observe(key, 1);
            }
            long used = retained(memory) - empty;
            if (checkpoint == 1_000_000) {
                first = used; // by then every bounded map is full: what comes after must be flat
            }
            System.out.printf("%-14d %-18.2f %.2f%n", checkpoint, used / 1048576.0, first < 0 ? 0.0 : (used - first) / 1048576.0);
        }
        // keep the trackers reachable until the last measurement
        System.out.println("trackers: " + hotKeys.name() + ", " + idempotency.name() + ", " + events.name());
    }

    private static long retained(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
