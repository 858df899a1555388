package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;

import java.util.Map;
import java.util.OptionalLong;

/**
 * Memory pressure: used vs maxmemory (never a ratio against {@code maxmemory 0}), RSS vs the machine's memory
 * or the cgroup limit, keys evicted since the last run, MEMORY DOCTOR's checks with its own thresholds
 * (fragmentation, allocator and process RSS overheads, client and replica buffers, cached scripts), and a peak
 * far above the current use.
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
        long rss = info.numberOr0("used_memory_rss");
        doctor(ctx, node, info, used, rss, out);
        systemMemory(ctx, node, info, rss, out);
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

    /**
     * MEMORY DOCTOR's checks, with its numbers (Redis's {@code getMemoryDoctorReport}, object.c): below 5 MB of
     * data none but the script count is judged; fragmentation and the three overheads need a ratio above 1.4
     * (total) or 1.1 (allocator fragmentation, allocator RSS, process RSS) and more than 10 MB; normal clients
     * above 200 KB each on average; replicas above 10 MB each; more than 1000 cached scripts. The overheads name
     * the cause, so the total fragmentation is reported only when none of them is.
     */
    private void doctor(DetectionContext ctx, NodeClient node, RedisInfo info, long used, long rss, Detection.Builder out) {
        String address = node.node().address();
        double frag = info.decimal("mem_fragmentation_ratio").orElse(0);
        out.signal(FRAGMENTATION, frag, tags(node));
        info.decimal("allocator_frag_ratio").ifPresent(r -> out.signal(ALLOCATOR_FRAGMENTATION, r, tags(node)));
        long minBytes = ctx.setting(FRAGMENTATION_MIN);
        double overhead = ctx.setting(OVERHEAD_WARNING);
        boolean judged = used >= 5L << 20;
        int overheads = 0;
        if (judged) {
            overheads += overhead(ctx, node, info, "allocator_frag", overhead, minBytes, "allocator fragmentation",
                    "the allocator holds %s in pages it cannot hand back (external fragmentation %.2f)",
                    "a workload that frees many small values fragments jemalloc; activedefrag yes moves values to give pages"
                            + " back (jemalloc builds only; it takes CPU within active-defrag-cycle-min/max), a restart also does", out);
            overheads += overhead(ctx, node, info, "allocator_rss", overhead, minBytes, "allocator RSS overhead",
                    "the allocator keeps %s of freed pages resident (allocator RSS ratio %.2f)",
                    "usually left after a memory peak: MEMORY PURGE asks jemalloc to return its dirty pages", out);
            overheads += overhead(ctx, node, info, "rss_overhead", overhead, minBytes, "process RSS overhead",
                    "the process holds %s beyond what its allocator holds (RSS overhead %.2f)",
                    "memory outside the allocator: the Lua VM (used_memory_lua), modules, or copy-on-write pages of a fork", out);
        }
        if (judged && overheads == 0 && frag > ctx.setting(FRAGMENTATION_WARNING) && rss - used >= minBytes) {
            out.finding(ctx.finding(Problem.MEMORY_LEAK_LONG_RUNNING, Severity.INFO, nodeSubject(node) + " fragmentation")
                    .summary(String.format("Redis %s holds %s of RSS for %s of data (fragmentation %.2f)", address, mb(rss), mb(used), frag))
                    .evidence("mem_fragmentation_ratio", frag).evidence("used_memory_rss", rss).evidence("used_memory", used)
                    .hint("MEMORY DOCTOR says the same; activedefrag yes (jemalloc) or a restart gives the memory back"));
        }
        long scripts = info.numberOr0("number_of_cached_scripts");
        out.signal(SCRIPTS, scripts, tags(node));
        if (scripts > ctx.setting(SCRIPTS_WARNING)) {
            long scriptMemory = info.number("used_memory_scripts_eval").orElse(info.numberOr0("used_memory_scripts"));
            out.finding(ctx.finding(Problem.MEMORY_LEAK_LONG_RUNNING, Severity.WARNING, nodeSubject(node) + " script cache")
                    .summary(String.format("Redis %s caches %d scripts (%s, Lua VM %s): scripts are being generated instead of"
                            + " parameterised", address, scripts, mb(scriptMemory), mb(info.numberOr0("used_memory_lua"))))
                    .evidence("number_of_cached_scripts", scripts).evidence("used_memory_scripts", scriptMemory)
                    .evidence("used_memory_lua", info.numberOr0("used_memory_lua"))
                    .hint("every distinct script text stays cached until SCRIPT FLUSH or a restart: pass values through KEYS"
                            + " and ARGV instead of building them into the script, and call it with EVALSHA"));
        }
        long clients = info.numberOr0("connected_clients");
        long normal = info.numberOr0("mem_clients_normal");
        if (clients > 0) {
            long perClient = normal / clients;
            out.signal(CLIENT_BUFFERS, perClient, tags(node));
            if (judged && perClient > ctx.setting(CLIENT_BUFFERS_WARNING)) {
                out.finding(ctx.finding(Problem.MEMORY_LEAK_LONG_RUNNING, Severity.WARNING, nodeSubject(node) + " client buffers")
                        .summary(String.format("The %d clients of Redis %s hold %s of buffers, %s each on average", clients, address,
                                mb(normal), kb(perClient)))
                        .evidence("mem_clients_normal", normal).evidence("connected_clients", clients).evidence("per_client", perClient)
                        .hint("CLIENT LIST shows each client's qbuf and omem: look for Pub/Sub subscribers that read slowly, large"
                                + " replies or very long pipelines; client-output-buffer-limit bounds what one client may hold"));
            }
        }
        long replicas = info.numberOr0("connected_slaves");
        long replicaMemory = info.numberOr0("mem_clients_slaves");
        out.signal(REPLICA_BUFFERS, replicaMemory, tags(node));
        if (judged && replicas > 0 && replicaMemory / replicas > ctx.setting(REPLICA_BUFFERS_WARNING)) {
            out.finding(ctx.finding(Problem.MEMORY_LEAK_LONG_RUNNING, Severity.WARNING, nodeSubject(node) + " replica buffers")
                    .summary(String.format("The output buffers of the %d replicas of Redis %s hold %s: a replica does not keep up",
                            replicas, address, mb(replicaMemory)))
                    .evidence("mem_clients_slaves", replicaMemory).evidence("connected_slaves", replicas)
                    .hint("INFO replication shows each replica's offset lag and CLIENT LIST TYPE replica its omem: find the slow"
                            + " or badly connected replica (redis.replication reports its lag)"));
        }
    }

    /** One of MEMORY DOCTOR's overheads, {@code <field>_ratio} and {@code <field>_bytes}; 1 when reported. */
    private int overhead(DetectionContext ctx, NodeClient node, RedisInfo info, String field, double ratioAbove, long bytesAbove,
                         String what, String summary, String hint, Detection.Builder out) {
        double ratio = info.decimal(field + "_ratio").orElse(0);
        long bytes = info.numberOr0(field + "_bytes");
        if (ratio <= ratioAbove || bytes <= bytesAbove) {
            return 0;
        }
        out.finding(ctx.finding(Problem.MEMORY_LEAK_LONG_RUNNING, Severity.INFO, nodeSubject(node) + " " + what)
                .summary("Redis " + node.node().address() + ": " + String.format(summary, mb(bytes), ratio))
                .evidence(field + "_ratio", ratio).evidence(field + "_bytes", bytes)
                .evidence("used_memory_rss", info.numberOr0("used_memory_rss")).evidence("used_memory", info.numberOr0("used_memory"))
                .evidence("mem_allocator", info.string("mem_allocator").orElse("unknown"))
                .hint(hint));
        return 1;
    }

    /**
     * RSS against the machine's memory ({@code total_system_memory}) and, for a node on this host, against the
     * memory limit of the server process's cgroup, whichever is lower.
     */
    private void systemMemory(DetectionContext ctx, NodeClient node, RedisInfo info, long rss, Detection.Builder out) {
        long system = info.numberOr0("total_system_memory");
        OptionalLong cgroup = SystemMemory.cgroupLimit(node.node().host(), info.numberOr0("process_id"));
        long limit = system;
        String source = "total_system_memory";
        if (cgroup.isPresent() && (limit == 0 || cgroup.getAsLong() < limit)) {
            limit = cgroup.getAsLong();
            source = "cgroup memory limit";
        }
        if (limit <= 0 || rss <= 0) {
            return;
        }
        double ratio = (double) rss / limit;
        out.signal(SYSTEM_USAGE, ratio, tags(node));
        if (ratio >= ctx.setting(SYSTEM_WARNING)) {
            Finding.Builder f = ctx.finding(Problem.MEMORY_LEAK_LONG_RUNNING, Severity.WARNING, nodeSubject(node) + " system memory")
                    .summary(String.format("Redis %s holds %s of RSS, %.0f %% of its %s (%s)", node.node().address(), mb(rss),
                            ratio * 100, source, mb(limit)))
                    .evidence("used_memory_rss", rss).evidence("total_system_memory", system).evidence("limit", limit)
                    .evidence("limit_source", source).evidence("usage", round(ratio))
                    .evidence("maxmemory", info.numberOr0("maxmemory"))
                    .hint("the kernel's OOM killer stops the process near the limit, and a fork for BGSAVE or a full resync needs"
                            + " copy-on-write room on top: give the server more memory, or delete or expire data; a maxmemory"
                            + " set below used_memory evicts at once (or refuses writes under noeviction), so lower it only"
                            + " to a value above what is used now")
                    .holdFor(ctx.setting(FOR));
            cgroup.ifPresent(c -> f.evidence("cgroup_memory_limit", c));
            out.finding(f);
        }
    }

    static String mb(long bytes) {
        return bytes >= 1L << 30 ? String.format("%.1f GB", bytes / (double) (1L << 30))
                : String.format("%.1f MB", bytes / (double) (1L << 20));
    }

    static String kb(long bytes) {
        return bytes >= 1L << 20 ? mb(bytes) : String.format("%.0f KB", bytes / 1024.0);
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
