package dev.telltale.benchmarks.engine;

import com.sun.management.OperatingSystemMXBean;
import dev.telltale.core.AbstractDetector;
import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.SignalSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the engine itself costs: N no-op detectors (each publishing one signal) every second, measured as
 * process CPU time and allocation against the same JVM idling for the same time, and the heap retained.
 *
 * <pre>mvn -q -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.telltale.benchmarks.engine.EngineOverhead 50 60</pre>
 */
public final class EngineOverhead {
    private static final int WARMUP_SECONDS = 20;
    private static final SignalSpec SIGNAL = SignalSpec.of("bench.noop.value", "items", "A constant, to exercise gauge updates.", "slot");

    public static void main(String[] args) throws Exception {
        int detectors = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

        Measure idle = measure(os, threads, memory, seconds, () -> { });
        LongAdder runs = new LongAdder();
        List<Detector> list = new ArrayList<>();
        for (int i = 0; i < detectors; i++) {
            list.add(new NoOp("bench.noop" + i, runs));
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DetectorEngine engine = DetectorEngine.builder().detectors(list).build();
        engine.bindTo(registry);
        long heapBefore = usedAfterGc(memory);
        engine.start();
        // let the JIT finish with the engine's code first: its compile time is a one-off, not a running cost
        Thread.sleep(WARMUP_SECONDS * 1000L);
        long warmRuns = runs.sum();
        Measure busy = measure(os, threads, memory, seconds, () -> { });
        long measuredRuns = runs.sum() - warmRuns;
        long heapAfter = usedAfterGc(memory);
        engine.close();

        double cpuShare = (busy.cpuNanos - idle.cpuNanos) / (seconds * 1e9);
        System.out.printf("detectors=%d interval=1s warm-up=%ds measured=%ds runs=%d (%.1f/s)%n", detectors, WARMUP_SECONDS,
                seconds, measuredRuns, measuredRuns / (double) seconds);
        System.out.printf("process CPU: idle %.3f s, engine %.3f s -> engine overhead %.2f%% of one core (%.1f us per run)%n",
                idle.cpuNanos / 1e9, busy.cpuNanos / 1e9, cpuShare * 100, (busy.cpuNanos - idle.cpuNanos) / 1e3 / Math.max(1, measuredRuns));
        System.out.printf("allocation: idle %.1f MB, engine %.1f MB -> %.1f KB/s, %.0f bytes per run%n",
                idle.allocated / 1e6, busy.allocated / 1e6, (busy.allocated - idle.allocated) / 1e3 / seconds,
                (busy.allocated - idle.allocated) / (double) Math.max(1, measuredRuns));
        System.out.printf("heap retained after GC: before %.2f MB, after %.2f MB (engine + %d meters: %.2f MB)%n",
                heapBefore / 1e6, heapAfter / 1e6, registry.getMeters().size(), (heapAfter - heapBefore) / 1e6);
    }

    private record Measure(long cpuNanos, long allocated) {
    }

    private static Measure measure(OperatingSystemMXBean os, com.sun.management.ThreadMXBean threads, MemoryMXBean memory,
                                   int seconds, Runnable start) throws InterruptedException {
        long cpu0 = os.getProcessCpuTime();
        long alloc0 = allocated(threads);
        start.run();
        Thread.sleep(seconds * 1000L);
        return new Measure(os.getProcessCpuTime() - cpu0, allocated(threads) - alloc0);
    }

    private static long allocated(com.sun.management.ThreadMXBean threads) {
        long[] ids = threads.getAllThreadIds();
        long total = 0;
        for (long a : threads.getThreadAllocatedBytes(ids)) {
            total += Math.max(0, a);
        }
        return total;
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** A detector that only publishes a constant; each has an id of its own, so each its own spec. */
    private static final class NoOp extends AbstractDetector {
        private final LongAdder runs;

        NoOp(String id, LongAdder runs) {
            super(DetectorSpec.builder(id).summary("Publishes a constant.").problems(Problem.SLOW_QUERIES)
                    .interval(Duration.ofSeconds(1)).signals(SIGNAL).build(), "bench");
            this.runs = runs;
        }

        @Override
        public Detection detect(DetectionContext ctx) {
            runs.increment();
            return Detection.builder().signal(SIGNAL, 1.0, spec().id()).build();
        }
    }
}
