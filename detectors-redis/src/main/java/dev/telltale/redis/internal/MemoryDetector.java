package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;

import java.util.Map;

/**
 * Memory pressure: used vs maxmemory (never a ratio against {@code maxmemory 0}), keys evicted since the
 * last run, fragmentation with MEMORY DOCTOR's bands, and a peak far above the current use.
 */
public final class MemoryDetector extends RedisDetector implements MemoryDetectorSpec {
    private final Counters counters = new Counters();

    public MemoryDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        RedisInfo info = node.info();
        long used = info.numberOr0("used_memory");
        long max = info.numberOr0("maxmemory");
        String policy = info.string("maxmemory_policy").orElse("unknown");
        out.signal(USED, used, tags(node)).signal(MAX, max, tags(node));
        if (max > 0) {
            double ratio = (double) used / max;
            out.signal(USAGE, ratio, tags(node));
            Severity sev = ratio >= ctx.setting(CRITICAL) ? Severity.CRITICAL : ratio >= ctx.setting(WARNING) ? Severity.WARNING : null;
            if (sev != null) {
                out.finding(ctx.finding(Problem.MEMORY_LEAK_LONG_RUNNING, sev, nodeSubject(node) + " memory")
                        .summary(String.format("Redis %s uses %.0f %% of maxmemory (%s of %s); policy %s", node.node().address(),
                                ratio * 100, mb(used), mb(max), policy))
                        .evidence("used_memory", used).evidence("maxmemory", max).evidence("usage", round(ratio))
                        .evidence("maxmemory_policy", policy).evidence("role", node.node().role().label())
                        .hint("noeviction".equals(policy) ? "writes fail with OOM at the limit: raise maxmemory, expire keys, or pick an eviction policy"
                                : "keys are evicted at the limit: look at redis.big-keys and TTLs, or raise maxmemory")
                        .holdFor(ctx.setting(FOR)));
            }
        }
        double frag = info.decimal("mem_fragmentation_ratio").orElse(0);
        long rss = info.numberOr0("used_memory_rss");
        out.signal(FRAGMENTATION, frag, tags(node));
        if (used >= 5L << 20 && frag > ctx.setting(FRAGMENTATION_WARNING) && rss - used >= ctx.setting(FRAGMENTATION_MIN)) {
            out.finding(ctx.finding(Problem.MEMORY_LEAK_LONG_RUNNING, Severity.INFO, nodeSubject(node) + " fragmentation")
                    .summary(String.format("Redis %s holds %s of RSS for %s of data (fragmentation %.2f)",
                            node.node().address(), mb(rss), mb(used), frag))
                    .evidence("mem_fragmentation_ratio", frag).evidence("used_memory_rss", rss).evidence("used_memory", used)
                    .hint("MEMORY DOCTOR says the same; activedefrag yes (jemalloc) or a restart gives the memory back"));
        }
        long peak = info.numberOr0("used_memory_peak");
        if (used >= 5L << 20 && peak > used * 1.5) {
            out.finding(ctx.finding(Problem.OVER_PROVISIONING, Severity.INFO, nodeSubject(node) + " peak memory")
                    .summary(String.format("Redis %s peaked at %s, %.1f x its current %s", node.node().address(), mb(peak),
                            (double) peak / used, mb(used)))
                    .evidence("used_memory_peak", peak).evidence("used_memory", used)
                    .hint("a burst of writes or big keys came and went; RSS may still hold the peak"));
        }
        long uptime = info.numberOr0("uptime_in_seconds");
        counters.update(node.node().address(), uptime, Map.of("evicted_keys", info.numberOr0("evicted_keys"))).ifPresent(d -> {
            long evicted = d.get("evicted_keys");
            out.signal(EVICTED, d.perSecond("evicted_keys"), tags(node));
            if (d.reset().isEmpty() && evicted >= ctx.setting(EVICTIONS_WARNING)) {
                out.finding(ctx.finding(Problem.MEMORY_LEAK_LONG_RUNNING, Severity.WARNING, nodeSubject(node) + " evictions")
                        .summary(String.format("Redis %s evicted %d keys in %.0f s (%s, maxmemory %s)", node.node().address(),
                                evicted, d.seconds(), policy, mb(max)))
                        .evidence("evicted_keys", evicted).evidence("window_seconds", round(d.seconds()))
                        .evidence("used_memory", used).evidence("maxmemory", max).evidence("maxmemory_policy", policy)
                        .hint("the cache is full and drops keys before they expire; expect misses (redis.cache-efficiency)"
                                + " and look for big keys or keys without TTL"));
            }
        });
    }

    static String mb(long bytes) {
        return bytes >= 1L << 30 ? String.format("%.1f GB", bytes / (double) (1L << 30))
                : String.format("%.1f MB", bytes / (double) (1L << 20));
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
