package dev.telltale.jvm.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code pool.leaks}: connections checked out for longer than {@code threshold} by a unit of work not
 * marked long-running. Found by scanning the checked-out connections on each run, so a borrow costs no
 * stack capture; the holder thread's stack is read once, when a connection is first suspected. The
 * finding resolves when the connection is closed.
 */
public final class PoolLeaksDetector extends InProcessDetector implements PoolLeaksDetectorSpec {
    private final Map<String, JdbcMonitor> monitors;

    public PoolLeaksDetector(String target, Map<String, JdbcMonitor> monitors) {
        super(SPEC, target);
        this.monitors = monitors;
    }

    @Override
    public Detection detect(DetectionContext ctx) {
        if (monitors.isEmpty()) {
            return Detection.skipped("no data source wrapped: wrap it with TelltaleJvm.wrap to track connections");
        }
        long threshold = ctx.setting(THRESHOLD).toNanos();
        Detection.Builder out = Detection.builder();
        for (Map.Entry<String, JdbcMonitor> e : new TreeMap<>(monitors).entrySet()) {
            String pool = e.getKey();
            long now = System.nanoTime();
            List<Lease> suspects = e.getValue().leases().stream()
                    .filter(l -> l.heldNanos(now) > threshold && !l.holder(pool).longRunning())
                    .sorted((a, b) -> Long.compare(a.borrowedNanos(), b.borrowedNanos()))
                    .toList();
            out.signal(SUSPECTED, suspects.size(), pool);
            for (Lease l : suspects.stream().limit(ctx.setting(MAX_FINDINGS)).toList()) {
                WorkState holder = l.holder(pool);
                Thread t = l.thread();
                String stack = l.holderStack();
                if (stack == null) {
                    stack = t.isAlive() ? CallSites.format(t.getStackTrace(), 12) : "thread ended";
                    l.holderStack(stack);
                }
                double heldSeconds = Math.round(l.heldNanos(now) / 100_000_000.0) / 10.0;
                out.finding(ctx.finding(Problem.CONNECTION_POOL_STARVATION, Severity.WARNING,
                                "pool " + pool + ": connection " + l.connectionId() + " held by " + holder.name())
                        .summary("a connection of pool " + pool + " has been held for " + heldSeconds + " s by "
                                + holder.name() + " on thread " + t.getName())
                        .evidence("unit_of_work", holder.name())
                        .evidence("held_s", heldSeconds)
                        .evidence("thread", t.getName())
                        .evidence("thread_state", t.isAlive() ? t.getState().name() : "TERMINATED")
                        .evidence("holder_stack_when_suspected", stack)
                        .hint("Close the connection in a finally or try-with-resources block; if the work is long by "
                                + "design, mark its unit of work long-running."));
            }
        }
        return out.build();
    }
}
