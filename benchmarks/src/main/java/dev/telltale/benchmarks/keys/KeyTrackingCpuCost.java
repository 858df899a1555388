package dev.telltale.benchmarks.keys;

import dev.telltale.jvm.events.EventOrderTracker;
import dev.telltale.jvm.keys.HotKeys;
import dev.telltale.jvm.requests.IdempotencyTracker;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * The per-call cost of the trackers as thread CPU time, for machines too busy for JMH's wall-clock
 * numbers to mean anything (a shared 2-core box running other builds): time the thread is descheduled
 * is not counted, cache pollution by other processes still is. Same workload as
 * {@link KeyTrackingBenchmark}, plus a workload where each call builds its key from one of 1,048,576 ids
 * ({@code "user:" + id + ":cart"}), as an application does before it calls Redis or checks a header: the
 * key is then in the CPU cache, as it is in real use, and the difference to {@code baselineBuildKey} is
 * the trackers' own cost. With pre-built keys drawn at random from a million, every call also pays a
 * cache miss on the key object that the trackers' locks keep the CPU from overlapping. Prints the best
 * and the median of 7 rounds of 5 million calls.
 *
 * <pre>
 * java -cp "$CP" dev.telltale.benchmarks.keys.KeyTrackingCpuCost
 * </pre>
 */
public final class KeyTrackingCpuCost {
    private static final int DRAWS = 1 << 20;
    private static final int CALLS = 5_000_000;
    private static int sink;

    private KeyTrackingCpuCost() {
    }

    public static void main(String[] args) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf("%-20s %10s %14s %14s%n", "operation", "distinct", "best ns/op", "median ns/op");
        for (int distinct : new int[] {1024, 1 << 20}) {
            String[] keys = new String[distinct];
            for (int i = 0; i < distinct; i++) {
                keys[i] = "user:" + i + ":cart";
                sink += keys[i].hashCode();
            }
            int[] draws = new int[DRAWS];
            Random random = new Random(42);
            for (int i = 0; i < DRAWS; i++) {
                draws[i] = random.nextInt(4) == 0 ? random.nextInt(64) : random.nextInt(distinct);
            }
            HotKeys hotKeys = HotKeys.builder("cpu").build();
            IdempotencyTracker idempotency = IdempotencyTracker.forRequests("cpu").build();
            EventOrderTracker events = EventOrderTracker.builder("cpu").build();
            long[] sequence = {0};
            run(threads, "baselineTouchKey", distinct, draws, i -> sink += keys[i].hashCode() + keys[i].length());
            run(threads, "hotKeysRecord", distinct, draws, i -> hotKeys.record(keys[i]));
            run(threads, "idempotencyCheck", distinct, draws, i -> idempotency.begin(keys[i]).close());
            run(threads, "eventOrderObserve", distinct, draws, i -> events.observe(keys[i], sequence[0]++));
        }
        int[] draws = new int[DRAWS];
        Random random = new Random(7);
        for (int i = 0; i < DRAWS; i++) {
            draws[i] = random.nextInt(4) == 0 ? random.nextInt(64) : random.nextInt(1 << 20);
        }
        HotKeys hotKeys = HotKeys.builder("cpu").build();
        IdempotencyTracker idempotency = IdempotencyTracker.forRequests("cpu").build();
        EventOrderTracker events = EventOrderTracker.builder("cpu").build();
        long[] sequence = {0};
        System.out.println("keys built per call from 1048576 ids:");
        run(threads, "baselineBuildKey", 1 << 20, draws, i -> sink += ("user:" + i + ":cart").hashCode());
        run(threads, "hotKeysRecord", 1 << 20, draws, i -> hotKeys.record("user:" + i + ":cart"));
        run(threads, "idempotencyCheck", 1 << 20, draws, i -> idempotency.begin("user:" + i + ":cart").close());
        run(threads, "eventOrderObserve", 1 << 20, draws, i -> events.observe("user:" + i + ":cart", sequence[0]++));
        System.out.println("(" + sink + ")");
    }

    private static void run(ThreadMXBean threads, String name, int distinct, int[] draws, IntConsumer op) {
        int n = 0;
        for (int i = 0; i < 4 * CALLS; i++) { // warm-up: JIT and full tables
            op.accept(draws[n++ & (DRAWS - 1)]);
        }
        double[] rounds = new double[7];
        for (int r = 0; r < rounds.length; r++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < CALLS; i++) {
                op.accept(draws[n++ & (DRAWS - 1)]);
            }
            rounds[r] = (threads.getCurrentThreadCpuTime() - t0) / (double) CALLS;
        }
        Arrays.sort(rounds);
        System.out.printf("%-20s %10d %14.1f %14.1f%n", name, distinct, rounds[0], rounds[rounds.length / 2]);
    }
}
