package dev.telltale.jvm.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * {@code jvm.memory-leak}: the heap left after garbage collection, as a trend. On each run after at
 * least one collection, it samples the long-lived pool's usage after its last collection (the old
 * generation; all heap pools when no old generation is recognised); a robust (Theil-Sen) slope over at
 * least {@code min-samples} samples spanning at least {@code min-span} that grew by at least
 * {@code growth} of the maximum heap, or that would exhaust it within {@code exhaustion}, is a leak.
 * Also: heap after GC above 85 % / 95 % of the maximum, and the share of time spent in GC.
 */
public final class MemoryLeakDetector extends InProcessDetector implements MemoryLeakDetectorSpec {
    /** At most this many samples are kept, so min-samples above it could never be met. */
    static final int MAX_SAMPLES = 120;

    private record Sample(Instant at, long used) {
    }

    private static final String NEARLY_FULL = "heap after GC: nearly full";
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final SeverityHold heapHold = new SeverityHold();
    private long lastGcCount = -1;
    private long lastGcMillis = -1;
    private long lastWallNanos;

    public MemoryLeakDetector(String target) {
        super(SPEC, target);
    }

    @Override
    public synchronized Detection detect(DetectionContext ctx) {
        long max = Runtime.getRuntime().maxMemory();
        if (max <= 0 || max == Long.MAX_VALUE) {
            return Detection.skipped("the heap has no maximum (-Xmx); growth cannot be compared to it");
        }
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        long wall = System.nanoTime();
        Detection.Builder out = Detection.builder();
        Instant now = ctx.now();
        if (gcCount != lastGcCount && gcCount > 0) {
            samples.addLast(new Sample(now, afterGcUsed()));
        }
        Instant cutoff = now.minus(ctx.setting(WINDOW));
        while (!samples.isEmpty() && samples.peekFirst().at().isBefore(cutoff)) {
            samples.pollFirst();
        }
        while (samples.size() > MAX_SAMPLES) {
            samples.pollFirst();
        }
        if (lastGcMillis >= 0 && wall > lastWallNanos) {
            double share = Math.min(1.0, (gcMillis - lastGcMillis) * 1_000_000.0 / (wall - lastWallNanos));
            out.signal(GC_TIME, share);
            if (share > ctx.setting(GC_SHARE)) {
                out.finding(ctx.finding(Problem.MEMORY_LEAK_LONG_RUNNING, Severity.CRITICAL, "heap: time spent in GC")
                        .summary(Math.round(share * 1000) / 10.0 + " % of the time since the last check went to garbage collection")
                        .evidence("gc_time_share", Math.round(share * 1000) / 1000.0)
                        .hint("The heap is too small for the live data, or it leaks; see jvm.heap.after_gc."));
            }
        }
        lastGcCount = gcCount;
        lastGcMillis = gcMillis;
        lastWallNanos = wall;
        if (samples.isEmpty()) {
            out.signal(GROWTH_RATE, 0);
            return out.build();
        }
        long last = samples.peekLast().used();
        out.signal(AFTER_GC, last);
        double used = (double) last / max;
        if (used >= ctx.setting(HEAP_WARNING)) {
            // A heap hovering at the critical level stays CRITICAL for heap.critical.for after it was last above it.
            SeverityHold.Verdict v = heapHold.apply(NEARLY_FULL, used >= ctx.setting(HEAP_CRITICAL) ? Severity.CRITICAL : Severity.WARNING,
                    ctx.setting(HEAP_CRITICAL_FOR), ctx.now());
            var f = heapFinding(ctx, v.severity(), used, last, max)
                    .holdFor(ctx.setting(v.severity() == Severity.CRITICAL ? HEAP_CRITICAL_FOR : HEAP_WARNING_FOR));
            if (v.held()) {
                f.summary(Math.round(used * 1000) / 10.0 + " % of the maximum heap is still in use after garbage collection; it was over "
                        + Math.round(ctx.setting(HEAP_CRITICAL) * 1000) / 10.0 + " % "
                        + Texts.elapsed(Duration.between(v.heldSince().get(), ctx.now()).toNanos()) + " ago")
                        .evidence("critical_at", v.heldSince().get().toString());
            }
            out.finding(f);
        } else {
            heapHold.retain(java.util.Set.of());
        }
        double slope = 0;
        Sample first = samples.peekFirst();
        Duration span = Duration.between(first.at(), samples.peekLast().at());
        if (samples.size() >= ctx.setting(MIN_SAMPLES) && span.compareTo(ctx.setting(MIN_SPAN)) >= 0) {
            double[] x = new double[samples.size()];
            double[] y = new double[samples.size()];
            int i = 0;
            int ups = 0;
            long previous = -1;
            for (Sample s : samples) {
                x[i] = Duration.between(first.at(), s.at()).toMillis() / 1000.0;
                y[i] = s.used();
                if (previous >= 0 && s.used() > previous) {
                    ups++;
                }
                previous = s.used();
                i++;
            }
            slope = TheilSen.slope(x, y);
            double growth = slope * span.toSeconds();
            double monotonic = (double) ups / (samples.size() - 1);
            double secondsToFull = slope > 0 ? (max - last) / slope : Double.POSITIVE_INFINITY;
            boolean growing = slope > 0 && monotonic >= ctx.setting(MONOTONIC);
            boolean bigGrowth = growth >= ctx.setting(GROWTH) * max;
            boolean soonFull = secondsToFull < ctx.setting(EXHAUSTION).toSeconds();
            if (growing && (bigGrowth || soonFull)) {
                long perMinute = Math.round(slope * 60);
                out.finding(ctx.finding(Problem.MEMORY_LEAK_LONG_RUNNING, soonFull ? Severity.CRITICAL : Severity.WARNING, "heap after GC: growth")
                        .summary("heap left after GC grows by " + mb(perMinute) + " MB per minute ("
                                + mb(Math.round(growth)) + " MB over " + span.toMinutes() + " min); full in about "
                                + (Double.isInfinite(secondsToFull) ? "never" : Math.round(secondsToFull / 60) + " min"))
                        .evidence("growth_bytes_per_minute", perMinute)
                        .evidence("growth_bytes", Math.round(growth))
                        .evidence("growth_share_of_max", Math.round(growth / max * 1000) / 1000.0)
                        .evidence("samples", samples.size())
                        .evidence("span_minutes", span.toMinutes())
                        .evidence("rising_steps", Math.round(monotonic * 100) / 100.0)
                        .evidence("after_gc_bytes", last)
                        .evidence("max_bytes", max)
                        .evidence("minutes_to_full", Double.isInfinite(secondsToFull) ? -1 : Math.round(secondsToFull / 60))
                        .hint("Take two heap dumps some time apart and compare the dominators (or record JFR with "
                                + "jdk.OldObjectSample) to find what keeps growing."));
            }
        }
        out.signal(GROWTH_RATE, slope);
        return out.build();
    }

    private static dev.telltale.core.Finding.Builder heapFinding(DetectionContext ctx, Severity severity, double used, long last, long max) {
        return ctx.finding(Problem.MEMORY_LEAK_LONG_RUNNING, severity, NEARLY_FULL)
                .summary(Math.round(used * 1000) / 10.0 + " % of the maximum heap is still in use after garbage collection")
                .evidence("after_gc_bytes", last).evidence("max_bytes", max)
                .evidence("used_share", Math.round(used * 1000) / 1000.0)
                .hint("Either the live data outgrew -Xmx or something leaks; see the growth finding and a heap dump.");
    }

    private static long mb(long bytes) {
        return Math.round(bytes / 1048576.0);
    }

    /** Usage after the last collection of the long-lived pool, or of all heap pools when none is recognised. */
    static long afterGcUsed() {
        long all = 0;
        long oldGen = -1;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP) {
                continue;
            }
            MemoryUsage u = pool.getCollectionUsage();
            if (u == null) {
                continue;
            }
            all += u.getUsed();
            String n = pool.getName();
            if (n.endsWith("Old Gen") || n.endsWith("Tenured Gen") || n.contains("ZHeap") || n.contains("ZGC Old")
                    || n.equals("Shenandoah") || n.contains("tenured")) {
                oldGen = Math.max(0, oldGen) + u.getUsed();
            }
        }
        return oldGen >= 0 ? oldGen : all;
    }
}
