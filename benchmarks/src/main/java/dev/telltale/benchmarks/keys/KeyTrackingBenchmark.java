package dev.telltale.benchmarks.keys;

import dev.telltale.jvm.events.EventOrderTracker;
import dev.telltale.jvm.keys.HotKeys;
import dev.telltale.jvm.requests.IdempotencyTracker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Cost on the application's thread of one call into the in-process trackers: {@code HotKeys.record},
 * an idempotency check ({@code begin} + {@code close}), and {@code EventOrderTracker.observe}. Keys are
 * built beforehand (their hash codes cached, as for keys the application already holds) and drawn with a
 * skew (a quarter of the traffic on 64 keys) from {@code distinct} keys: 1,024 (keys stay in the CPU
 * caches and in the top-K) or 1,048,576 (the top-K keeps replacing counters, the idempotency map keeps
 * evicting, and most of the time goes to cache misses on the key objects themselves).
 *
 * <pre>
 * java -cp "$CP" org.openjdk.jmh.Main KeyTrackingBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc
 * java -cp "$CP" org.openjdk.jmh.Main KeyTrackingBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -t 2
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyTrackingBenchmark {
    private static final int DRAWS = 1 << 20;

    @State(Scope.Benchmark)
    public static class Keys {
        @Param({"1024", "1048576"})
        int distinct;
        String[] keys;
        final int[] draws = new int[DRAWS];
        final HotKeys hotKeys = HotKeys.builder("bench").build();
        final IdempotencyTracker idempotency = IdempotencyTracker.forRequests("bench").build();
        final EventOrderTracker events = EventOrderTracker.builder("bench").build();

        @Setup(Level.Trial)
        public void setUp() {
            Random random = new Random(42);
            keys = new String[distinct];
            for (int i = 0; i < distinct; i++) {
                keys[i] = "user:" + i + ":cart";
                keys[i].hashCode();
            }
            for (int i = 0; i < DRAWS; i++) {
                draws[i] = random.nextInt(4) == 0 ? random.nextInt(64) : random.nextInt(distinct);
            }
        }
    }

    @State(Scope.Thread)
    public static class Cursor {
        int next = new Random().nextInt(DRAWS);
        long sequence;

        int draw(Keys k) {
            return k.draws[next++ & (DRAWS - 1)];
        }
    }

    /** What touching the key costs without any tracker: the floor the trackers' numbers stand on. */
    @Benchmark
    public int baselineTouchKey(Keys k, Cursor c) {
        String key = k.keys[c.draw(k)];
        return key.hashCode() + key.length();
    }

    @Benchmark
    public void hotKeysRecord(Keys k, Cursor c) {
        k.hotKeys.record(k.keys[c.draw(k)]);
    }

    @Benchmark
    public IdempotencyTracker.Seen idempotencyCheck(Keys k, Cursor c) {
        try (IdempotencyTracker.Use use = k.idempotency.begin(k.keys[c.draw(k)])) {
            return use.seen();
        }
    }

    @Benchmark
    public EventOrderTracker.Order eventOrderObserve(Keys k, Cursor c) {
        return k.events.observe(k.keys[c.draw(k)], c.sequence++);
    }
}
