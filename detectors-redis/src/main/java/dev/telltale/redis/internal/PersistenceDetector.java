package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;

/**
 * Persistence: how long the last fork stopped the server ({@code latest_fork_usec}, with LATENCY DOCTOR's
 * fork-rate bands), and background saves or AOF writes that failed. A failed save with
 * {@code stop-writes-on-bgsave-error yes} (the default) makes every write fail with MISCONF.
 */
public final class PersistenceDetector extends RedisDetector implements PersistenceDetectorSpec {
    public PersistenceDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        RedisInfo info = node.info();
        String address = node.node().address();
        long forkUsec = info.numberOr0("latest_fork_usec");
        out.signal(FORK, forkUsec / 1e6, tags(node));
        long warn = ctx.setting(FORK_WARNING).toNanos() / 1000;
        long crit = ctx.setting(FORK_CRITICAL).toNanos() / 1000;
        if (forkUsec >= warn) {
            long rss = info.numberOr0("used_memory_rss");
            double gbPerSecond = rss / (double) (1L << 30) / (forkUsec / 1e6);
            String band = gbPerSecond < 10 ? "terrible" : gbPerSecond < 25 ? "poor" : gbPerSecond < 100 ? "good" : "excellent";
            out.finding(ctx.finding(Problem.SLOW_QUERIES, forkUsec >= crit ? Severity.CRITICAL : Severity.WARNING, nodeSubject(node) + " fork")
                    .summary(String.format("The last fork stopped Redis %s for %.0f ms (%.1f GB/s, %s)", address, forkUsec / 1000.0,
                            gbPerSecond, band))
                    .evidence("latest_fork_usec", forkUsec).evidence("used_memory_rss", rss)
                    .evidence("fork_rate_gb_per_s", MemoryDetector.round(gbPerSecond)).evidence("total_forks", info.numberOr0("total_forks"))
                    .hint("every BGSAVE, AOF rewrite and full resync forks: disable transparent huge pages, avoid VMs with slow"
                            + " forks, keep the dataset per node smaller, or save less often"));
        }
        String bgsave = info.string("rdb_last_bgsave_status").orElse("ok");
        String aofWrite = info.string("aof_last_write_status").orElse("ok");
        String aofRewrite = info.string("aof_last_bgrewrite_status").orElse("ok");
        boolean failed = !"ok".equals(bgsave) || !"ok".equals(aofWrite) || !"ok".equals(aofRewrite);
        out.signal(FAILED, failed ? 1 : 0, tags(node));
        if (failed) {
            String what = !"ok".equals(bgsave) ? "background save (RDB)" : !"ok".equals(aofWrite) ? "AOF write" : "AOF rewrite";
            out.finding(ctx.finding(Problem.CASCADING_FAILURES, "ok".equals(aofRewrite) || !"ok".equals(bgsave) || !"ok".equals(aofWrite)
                            ? Severity.CRITICAL : Severity.WARNING, nodeSubject(node) + " persistence")
                    .summary(String.format("The last %s of Redis %s failed; %d changes are not on disk", what, address,
                            info.numberOr0("rdb_changes_since_last_save")))
                    .evidence("rdb_last_bgsave_status", bgsave).evidence("aof_last_write_status", aofWrite)
                    .evidence("aof_last_bgrewrite_status", aofRewrite)
                    .evidence("rdb_changes_since_last_save", info.numberOr0("rdb_changes_since_last_save"))
                    .evidence("rdb_last_save_time", info.numberOr0("rdb_last_save_time"))
                    .hint("see the server log (disk full, permissions, dir removed, fork refused: vm.overcommit_memory);"
                            + " with stop-writes-on-bgsave-error yes every write now fails with MISCONF"));
        }
    }
}
