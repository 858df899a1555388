package dev.telltale.jvm.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.jvm.PoolStats;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code pool.saturation}: requests waiting for a connection, a pool running near its maximum,
 * connection acquisitions that timed out, and a fleet whose pools together exceed what the server
 * accepts. When requests wait, the finding names the units of work holding the connections and for how long.
 */
public final class PoolSaturationDetector extends InProcessDetector implements PoolSaturationDetectorSpec {
    private final Map<String, PoolStats> pools;
    private final Map<String, JdbcMonitor> monitors;
    private final Map<String, WindowedCounter> timeoutWindows = new HashMap<>();
    private final SeverityHold holds = new SeverityHold();

    public PoolSaturationDetector(String target, Map<String, PoolStats> pools, Map<String, JdbcMonitor> monitors) {
        super(SPEC, target);
        this.pools = pools;
        this.monitors = monitors;
    }

    @Override
    public synchronized Detection detect(DetectionContext ctx) {
        if (pools.isEmpty()) {
            return Detection.skipped("no pool registered: wrap a HikariDataSource with TelltaleJvm.wrap or call registerPool");
        }
        Detection.Builder out = Detection.builder();
        Set<String> reported = new HashSet<>();
        for (Map.Entry<String, PoolStats> e : new TreeMap<>(pools).entrySet()) {
            String pool = e.getKey();
            PoolStats s = e.getValue();
            int active = s.active();
            int idle = s.idle();
            int pending = s.pending();
            int max = s.maximum();
            double utilization = max <= 0 ? 0 : (double) active / max;
            out.signal(UTILIZATION_SIGNAL, utilization, pool);
            out.signal(PENDING, pending, pool);
            JdbcMonitor monitor = monitors.get(pool);
            if (pending > 0) {
                String subject = "pool " + pool + ": requests waiting for a connection";
                // CRITICAL while every connection is in use; held for pending.for so a pool hovering at its
                // maximum does not flip CRITICAL/WARNING at each crossing.
                SeverityHold.Verdict v = holds.apply(subject, active >= max ? Severity.CRITICAL : Severity.WARNING,
                        ctx.setting(PENDING_FOR), ctx.now());
                reported.add(subject);
                String allInUse = v.held()
                        ? "; all " + max + " were in use " + Texts.elapsed(Duration.between(v.heldSince().get(), ctx.now()).toNanos()) + " ago"
                        : "";
                Finding.Builder f = ctx.finding(Problem.CONNECTION_POOL_STARVATION, v.severity(), subject)
                        .summary(pending + " threads wait for a connection of pool " + pool + " (" + active + " of " + max + " in use"
                                + allInUse + ")" + (monitor == null ? "" : "; held by " + holdersLine(monitor)))
                        .holdFor(ctx.setting(PENDING_FOR));
                v.heldSince().ifPresent(t -> f.evidence("all_in_use_at", t.toString()));
                poolEvidence(f, active, idle, pending, max);
                holders(f, monitor);
                out.finding(f.hint("See which units of work hold the connections and why they hold them that long; "
                        + "a bigger pool only moves the queue to the database."));
            } else if (utilization > ctx.setting(UTILIZATION)) {
                Finding.Builder f = ctx.finding(Problem.CONNECTION_POOL_STARVATION, Severity.WARNING, "pool " + pool + ": utilisation")
                        .summary("pool " + pool + " has " + active + " of " + max + " connections in use")
                        .holdFor(ctx.setting(UTILIZATION_FOR));
                poolEvidence(f, active, idle, pending, max);
                holders(f, monitor);
                out.finding(f.hint("The pool is close to exhaustion; check slow units of work and long transactions."));
            }
            if (monitor != null) {
                WindowedCounter w = timeoutWindows.computeIfAbsent(pool,
                        k -> WindowedCounter.startingAt(ctx.now().minus(ctx.setting(TIMEOUT_WINDOW))));
                long timeouts = w.update(ctx.now(), monitor.acquireTimeouts(), ctx.setting(TIMEOUT_WINDOW));
                out.signal(TIMEOUTS, timeouts, pool);
                if (timeouts > 0) {
                    Finding.Builder f = ctx.finding(Problem.CONNECTION_POOL_STARVATION, Severity.CRITICAL,
                                    "pool " + pool + ": connection acquisition timeouts")
                            .summary(timeouts + " requests gave up waiting for a connection of pool " + pool
                                    + " in the last " + ctx.setting(TIMEOUT_WINDOW).toMinutes() + " min")
                            .evidence("timeouts", timeouts);
                    poolEvidence(f, active, idle, pending, max);
                    out.finding(f.hint("Requests fail for want of a connection; see the pending finding for the holders."));
                }
            }
            long servers = ctx.setting(SERVER_CONNECTIONS);
            long instances = ctx.setting(INSTANCES);
            if (servers > 0 && instances * max > servers) {
                out.finding(ctx.finding(Problem.CONNECTION_POOL_STARVATION, Severity.WARNING, "pool " + pool + ": fleet exceeds server connections")
                        .summary(instances + " instances x " + max + " connections = " + instances * max
                                + ", more than the " + servers + " the server accepts")
                        .evidence("instances", instances)
                        .evidence("maximum_pool_size", max)
                        .evidence("fleet_connections", instances * max)
                        .evidence("server_connections", servers)
                        .hint("Lower maximumPoolSize to at most " + servers / instances + ", or put a server-side pooler in front."));
            }
        }
        holds.retain(reported);
        return out.build();
    }

    private static void poolEvidence(Finding.Builder f, int active, int idle, int pending, int max) {
        f.evidence("active", active).evidence("idle", idle).evidence("pending", pending).evidence("maximum", max);
    }

    /** Holders grouped by unit of work, the longest held first; at most five groups. */
    private static void holders(Finding.Builder f, JdbcMonitor monitor) {
        if (monitor == null) {
            return;
        }
        int i = 0;
        for (Map.Entry<String, long[]> h : holderGroups(monitor).entrySet()) {
            if (++i > 5) {
                break;
            }
            f.evidence("holder." + i, h.getKey() + " holds " + h.getValue()[0] + " for up to " + Texts.elapsed(h.getValue()[1]));
        }
    }

    private static String holdersLine(JdbcMonitor monitor) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (Map.Entry<String, long[]> h : holderGroups(monitor).entrySet()) {
            if (i++ == 3) {
                b.append(", ...");
                break;
            }
            b.append(i > 1 ? ", " : "").append(h.getKey()).append(" x").append(h.getValue()[0]);
        }
        return b.length() == 0 ? "nobody tracked" : b.toString();
    }

    private static Map<String, long[]> holderGroups(JdbcMonitor monitor) {
        long now = System.nanoTime();
        Map<String, long[]> groups = new HashMap<>();
        for (Lease l : monitor.leases()) {
            long[] g = groups.computeIfAbsent(l.holder(monitor.name()).name(), k -> new long[2]);
            g[0]++;
            g[1] = Math.max(g[1], l.heldNanos(now));
        }
        Map<String, long[]> sorted = new LinkedHashMap<>();
        groups.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> x) -> x.getValue()[1]).reversed())
                .forEach(x -> sorted.put(x.getKey(), x.getValue()));
        return sorted;
    }
}
