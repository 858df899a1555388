package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;

import java.time.Duration;
import java.util.Optional;

/**
 * Persistence: how long the last fork stopped the server ({@code latest_fork_usec}, with LATENCY DOCTOR's
 * fork-rate bands), background saves, AOF writes or AOF rewrites that failed (the last one, and on 7.0+ how
 * many rewrites failed in a row), and backups that stopped happening: where RDB saves are configured, a last
 * successful save older than {@code last-save.warning} (the alert sets' MissingBackup, 24 hours) with changes
 * made since, or a configured save point ({@code save <seconds> <changes>}) whose changes have piled up for
 * longer than its seconds plus {@code save.grace} with no save running. A failed save with
 * {@code stop-writes-on-bgsave-error yes} (the default) makes every write fail with MISCONF; it is the one
 * finding then, since it also explains the old last save.
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
        long rewriteFailures = info.numberOr0("aof_rewrites_consecutive_failures");
        boolean aofEnabled = info.numberOr0("aof_enabled") == 1;
        long changes = info.numberOr0("rdb_changes_since_last_save");
        long lastSave = info.numberOr0("rdb_last_save_time");
        boolean failed = !"ok".equals(bgsave) || !"ok".equals(aofWrite) || !"ok".equals(aofRewrite) || rewriteFailures > 0;
        out.signal(FAILED, failed ? 1 : 0, tags(node));
        out.signal(AOF_REWRITE_FAILURES, rewriteFailures, tags(node));
        out.signal(UNSAVED, changes, tags(node));
        long now = info.number("server_time_usec").orElse(System.currentTimeMillis() * 1000) / 1_000_000;
        long age = lastSave > 0 ? Math.max(0, now - lastSave) : -1;
        if (age >= 0) {
            out.signal(LAST_SAVE_AGE, age, tags(node));
        }
        if (failed) {
            boolean rewriteOnly = "ok".equals(bgsave) && "ok".equals(aofWrite);
            String what = !"ok".equals(bgsave) ? "background save (RDB)" : !"ok".equals(aofWrite) ? "AOF write"
                    : rewriteFailures > 1 ? rewriteFailures + " AOF rewrites in a row" : "AOF rewrite";
            out.finding(ctx.finding(Problem.CASCADING_FAILURES, rewriteOnly ? Severity.WARNING : Severity.CRITICAL, nodeSubject(node) + " persistence")
                    .summary(rewriteOnly
                            ? String.format("The last %s of Redis %s failed%s; the AOF grows until a rewrite succeeds", what, address,
                                    aofEnabled ? "" : " (AOF is off now)")
                            : String.format("The last %s of Redis %s failed; %d changes are not on disk", what, address, changes))
                    .evidence("rdb_last_bgsave_status", bgsave).evidence("aof_last_write_status", aofWrite)
                    .evidence("aof_last_bgrewrite_status", aofRewrite).evidence("aof_rewrites_consecutive_failures", rewriteFailures)
                    .evidence("aof_enabled", aofEnabled)
                    .evidence("rdb_changes_since_last_save", changes)
                    .evidence("rdb_last_save_time", lastSave)
                    .hint("see the server log (disk full, permissions, dir removed, fork refused: vm.overcommit_memory);"
                            + " with stop-writes-on-bgsave-error yes every write now fails with MISCONF"));
            return; // one cause: the failure explains an old last save too
        }
        Optional<String> save = node.config("save");
        if (age < 0 || changes == 0 || info.numberOr0("rdb_bgsave_in_progress") == 1 || save.map(String::isBlank).orElse(false)) {
            return; // nothing unsaved, a save running, or RDB saves not configured (a cache, or AOF only)
        }
        long warnSeconds = ctx.setting(LAST_SAVE_WARNING).toSeconds();
        long grace = ctx.setting(SAVE_GRACE).toSeconds();
        long[] overdue = save.map(s -> overdue(s, age, changes, grace)).orElse(null);
        if (age >= warnSeconds || overdue != null) {
            String why = overdue != null
                    ? String.format("its save point 'save %d %d' was due %s ago", overdue[0], overdue[1],
                            RedisReplicationDetector.rounded(Duration.ofSeconds(age - overdue[0])))
                    : "older than " + RedisReplicationDetector.rounded(Duration.ofSeconds(warnSeconds));
            out.finding(ctx.finding(Problem.SILENT_DATA_CORRUPTION, Severity.WARNING, nodeSubject(node) + " backup")
                    .summary(String.format("Redis %s last saved its data %s ago (%s); a restart now loses %d changes", address,
                            RedisReplicationDetector.rounded(Duration.ofSeconds(age)), why, changes))
                    .evidence("last_save_age_seconds", age).evidence("rdb_changes_since_last_save", changes)
                    .evidence("rdb_last_save_time", lastSave).evidence("save", save.orElse("unknown (CONFIG GET refused)"))
                    .evidence("aof_enabled", aofEnabled).evidence("rdb_saves", info.numberOr0("rdb_saves"))
                    .hint("check the server log for why no BGSAVE ran or finished (a child process already running, fork"
                            + " refused); BGSAVE then takes a snapshot without stopping the server (its fork needs free memory"
                            + " for the pages written meanwhile: see redis.memory's system memory), and LASTSAVE confirms it"));
        }
    }

    /**
     * The first save point of a {@code save} config ({@code "3600 1 300 100"}) that should have fired by now: as
     * many changes as it asks for, and its seconds plus the grace gone since the last save. Null when none is due.
     */
    static long[] overdue(String save, long age, long changes, long grace) {
        String[] parts = save.trim().split("\\s+");
        for (int i = 0; i + 1 < parts.length; i += 2) {
            try {
                long seconds = Long.parseLong(parts[i]);
                long needed = Long.parseLong(parts[i + 1]);
                if (changes >= needed && age >= seconds + grace) {
                    return new long[] {seconds, needed};
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
