package dev.telltale.benchmarks.keys;

import dev.telltale.jvm.events.EventOrderTracker;
import dev.telltale.jvm.keys.HotKeys;
import dev.telltale.jvm.requests.IdempotencyTracker;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Heap retained by each tracker, with its default bounds, as distinct keys pass through it: after 0,
 * 100 thousand, 1, 2, 5 and 10 million distinct keys, a full GC and the used heap. A structure whose memory
 * grows with the number of distinct keys shows it here; a bounded one stays flat once full. Run with a
 * small heap so that growth would also fail:
 *
 * <pre>
 * java -Xmx256m -cp "$CP" dev.telltale.benchmarks.keys.KeyTrackingMemory 10000000
 * </pre>
 */
public final class KeyTrackingMemory {
    private static final long[] CHECKPOINTS = {0, 100_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000};

    private KeyTrackingMemory() {
    }

    public static void main(String[] args) {
        long total = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        measure("HotKeys (capacity 1024, 8 stripes)", total, () -> {
            HotKeys hotKeys = HotKeys.builder("memory").build();
            return hotKeys::record;
        });
        measure("IdempotencyTracker (maxKeys 100000)", total, () -> {
            IdempotencyTracker idempotency = IdempotencyTracker.forRequests("memory").build();
            return key -> idempotency.begin(key).close();
        });
        measure("EventOrderTracker (maxEntities 100000)", total, () -> {
            EventOrderTracker events = EventOrderTracker.builder("memory").build();
            return key -> events.observe(key, 1);
        });
    }

    /** Measures from before the tracker is built, so memory it allocates up front counts. */
    private static void measure(String what, long total, Supplier<Consumer<String>> build) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long base = retained(memory);
        Consumer<String> tracker = build.get();
        System.out.println(what);
        System.out.printf("  %-14s %s%n", "distinct keys", "retained heap (MiB)");
        long done = 0;
        for (long checkpoint : CHECKPOINTS) {
            if (checkpoint > total) {
                break;
            }
            for (; done < checkpoint; done++) {
                tracker.accept("user:" + done + ":cart");
            }
            System.out.printf("  %-14d %.2f%n", checkpoint, (retained(memory) - base) / 1048576.0);
        }
        Reference.reachabilityFence(tracker);
    }

    private static long retained(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
