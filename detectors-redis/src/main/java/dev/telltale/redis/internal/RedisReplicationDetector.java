package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Replication as each node reports it. On a master: every replica's state, its lag in bytes (master
 * offset minus acknowledged offset) and in seconds since its last acknowledgement, and full resyncs since
 * the last run. On a replica: the link to its master. Replicas acknowledge every second even when nothing
 * is written, so an idle master shows no lag. A master's replicas are remembered ({@link KnownReplicas}): one
 * that disappears from its master stays a finding, with how long it has been gone, until it returns or
 * {@code replicas.forget-after} has passed.
 */
public final class RedisReplicationDetector extends RedisDetector implements RedisReplicationDetectorSpec {
    private final Counters counters = new Counters();
    private final KnownReplicas known = new KnownReplicas();
    private final java.util.Set<String> goneNow = new java.util.HashSet<>();
    private final RedisTarget target;
    private java.util.Optional<String> sentinelsSeeDown;

    public RedisReplicationDetector(RedisTarget target) {
        super(target, SPEC);
        this.target = target;
    }

    @Override
    protected boolean reportsUnreachableNodes() {
        return true;
    }

    @Override
    protected void beforeNodes(DetectionContext ctx) {
        goneNow.clear();
        sentinelsSeeDown = null;
    }

    /**
     * On a Sentinel target, the master address the sentinels see down (s_down), asked once per run: a replica
     * whose link to that master is down is one of the victims redis.sentinel.master names in its one finding.
     */
    private boolean sentinelsSeeDown(String master) {
        if (sentinelsSeeDown == null) {
            sentinelsSeeDown = RedisTargetAccess.sentinels(target).flatMap(SentinelGroup::downMaster);
        }
        return sentinelsSeeDown.filter(m -> Endpoint.normal(m).equals(Endpoint.normal(master))).isPresent();
    }

    @Override
    protected void reportUnreachable(DetectionContext ctx, NodeClient node, RuntimeException cause, Detection.Builder out) {
        if (goneNow.contains(node.node().address())) {
            return; // its master no longer lists it: the "gone" finding says so, with how long (one finding, one subject)
        }
        boolean master = node.node().role() == dev.telltale.redis.RedisNode.Role.MASTER;
        if (master && sentinelsSeeDown(node.node().address())) {
            return; // redis.sentinel.master reports the down master once, with its victims
        }
        out.finding(ctx.finding(Problem.STALE_READ_AFTER_WRITE, master ? Severity.CRITICAL : Severity.WARNING,
                        nodeSubject(node) + " unreachable")
                .summary(String.format("%s %s of this replica group does not answer (%s)", master ? "Master" : "Replica",
                        node.node().address(), cause.getClass().getSimpleName()))
                .evidence("node", node.node().address()).evidence("role", node.node().role().label())
                .evidence("error", String.valueOf(cause.getMessage()))
                .hint(master ? "replicas now serve ever older data; if something promotes one, watch for two masters"
                        : "reads sent to it fail; its clients should fall back to the master or another replica"));
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        RedisInfo info = node.info();
        String address = node.node().address();
        if (info.isMaster()) {
            List<RedisInfo.ReplicaLink> replicas = info.replicas();
            out.signal(REPLICAS, replicas.size(), tags(node));
            missing(ctx, node, replicas, out);
            for (RedisInfo.ReplicaLink r : replicas) {
                out.signal(LAG_BYTES, r.lagBytes(), tags(node, r.address()));
                out.signal(LAG_SECONDS, r.lagSeconds(), tags(node, r.address()));
                Severity sev = !"online".equals(r.state()) ? Severity.WARNING
                        : r.lagSeconds() > ctx.setting(CRITICAL).toSeconds() ? Severity.CRITICAL
                        : r.lagSeconds() > ctx.setting(WARNING).toSeconds() || r.lagBytes() >= ctx.setting(BYTES_WARNING) ? Severity.WARNING
                        : null;
                if (sev != null) {
                    out.finding(ctx.finding(Problem.STALE_READ_AFTER_WRITE, sev, "replica " + r.address() + " of " + address)
                            .summary(!"online".equals(r.state())
                                    ? String.format("Replica %s of %s is %s, not online", r.address(), address, r.state())
                                    : String.format("Replica %s of %s lags %d s and %d bytes behind", r.address(), address,
                                    r.lagSeconds(), r.lagBytes()))
                            .evidence("state", r.state()).evidence("lag_seconds", r.lagSeconds()).evidence("lag_bytes", r.lagBytes())
                            .evidence("master_repl_offset", info.numberOr0("master_repl_offset")).evidence("replica_offset", r.offset())
                            .hint("reads from this replica miss recent writes: read your own writes from the master,"
                                    + " or check the replica's network, CPU and output buffer")
                            .holdFor(ctx.setting(FOR)));
                }
            }
            counters.update(address, info.numberOr0("uptime_in_seconds"), Map.of("sync_full", info.numberOr0("sync_full")))
                    .filter(d -> d.reset().isEmpty() && d.get("sync_full") > 0)
                    .ifPresent(d -> out.finding(ctx.finding(Problem.STALE_READ_AFTER_WRITE, Severity.WARNING, nodeSubject(node) + " full resyncs")
                            .summary(String.format("Master %s ran %d full resynchronisations in %.0f s", address, d.get("sync_full"), d.seconds()))
                            .evidence("sync_full", d.get("sync_full")).evidence("sync_partial_ok", info.numberOr0("sync_partial_ok"))
                            .evidence("sync_partial_err", info.numberOr0("sync_partial_err"))
                            .evidence("repl_backlog_size", info.numberOr0("repl_backlog_size"))
                            .hint("each full sync forks and ships the whole dataset; a backlog too small for the replicas'"
                                    + " disconnections forces it (raise repl-backlog-size)")));
        } else {
            known.runId(address, info.string("run_id").orElse(null));
            boolean up = "up".equals(info.string("master_link_status").orElse("down"));
            out.signal(LINK_UP, up ? 1 : 0, tags(node));
            String master = info.string("master_host").orElse("?") + ":" + info.string("master_port").orElse("?");
            if (!up && sentinelsSeeDown(master)) {
                // the master is down and the sentinels say so: redis.sentinel.master reports it once, this replica in it
                return;
            }
            if (!up) {
                long since = info.number("master_link_down_since_seconds").orElse(-1);
                out.finding(ctx.finding(Problem.STALE_READ_AFTER_WRITE, Severity.CRITICAL, nodeSubject(node) + " replication link")
                        .summary(String.format("Replica %s has lost its master %s%s: it serves ever older data", address, master,
                                since >= 0 ? " for " + since + " s" : ""))
                        .evidence("master", master).evidence("master_link_status", info.string("master_link_status").orElse("?"))
                        .evidence("master_link_down_since_seconds", since >= 0 ? since : null)
                        .evidence("master_sync_in_progress", info.numberOr0("master_sync_in_progress"))
                        .hint("is the master up and reachable from the replica? If it failed, was another node promoted"
                                + " (watch for two masters: split brain)?"));
            }
        }
    }

    /**
     * The replicas this master had and has no more. Masters come first in the node list, so a replica that is
     * also unreachable this run (still in the cached node list) is known gone by then and reported once.
     */
    private void missing(DetectionContext ctx, NodeClient node, List<RedisInfo.ReplicaLink> replicas, Detection.Builder out) {
        String master = node.node().address();
        List<KnownReplicas.Gone> gone = known.update(master, replicas.stream().map(RedisInfo.ReplicaLink::address).toList(),
                ctx.now(), ctx.setting(FORGET_AFTER));
        out.signal(MISSING, gone.size(), tags(node));
        for (KnownReplicas.Gone g : gone) {
            goneNow.add(g.address());
            Duration away = Duration.between(g.lastSeen(), ctx.now());
            out.finding(ctx.finding(Problem.STALE_READ_AFTER_WRITE, Severity.WARNING, "replica " + g.address() + " of " + master + " gone")
                    .summary(String.format("Replica %s of %s has been gone for %s (last seen %s)", g.address(), master,
                            rounded(away), g.lastSeen()))
                    .evidence("replica", g.address()).evidence("run_id", g.runId())
                    .evidence("last_seen", g.lastSeen().toString()).evidence("gone_seconds", away.toSeconds())
                    .evidence("connected_replicas", replicas.size())
                    .hint("the master lost this replica: it is down, cut off, or was removed, and the reads and failover"
                            + " it gave are gone; if it was removed on purpose, set " + ID + "." + FORGET_AFTER.name()
                            + " to forget it"));
        }
    }

    static String rounded(Duration d) {
        long s = d.toSeconds();
        return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : String.format("%.1f h", s / 3600.0);
    }
}
