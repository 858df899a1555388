package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectionNotApplicableException;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisNode;
import dev.telltale.redis.RedisTarget;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Redis Cluster as its nodes see it: cluster_state and failing slots (CLUSTER INFO on every node), and
 * skew between masters in operations per second and in keys: a master with much more than its peers is a
 * hot shard (a celebrity key or a bad hash tag). Per-slot skew (CLUSTER SLOT-STATS, Redis 8.2) is not read yet.
 */
public final class ClusterDetector extends RedisDetector implements ClusterDetectorSpec {
    private final Counters counters = new Counters();
    private final Map<String, double[]> masters = new LinkedHashMap<>(); // address -> {ops/s or NaN, keys}
    private final Map<String, String[]> states = new LinkedHashMap<>(); // address -> {state, fail, pfail}

    public ClusterDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected void beforeNodes(DetectionContext ctx) {
        masters.clear();
        states.clear();
    }

    @Override
    protected boolean reportsUnreachableNodes() {
        return true;
    }

    @Override
    protected void reportUnreachable(DetectionContext ctx, NodeClient node, RuntimeException cause, Detection.Builder out) {
        out.signal(STATE, 0, tags(node));
        out.finding(ctx.finding(Problem.CASCADING_FAILURES, node.node().role() == RedisNode.Role.MASTER ? Severity.CRITICAL : Severity.WARNING,
                        nodeSubject(node) + " unreachable")
                .summary(String.format("Cluster %s %s does not answer (%s)", node.node().role().label(), node.node().address(),
                        cause.getClass().getSimpleName()))
                .evidence("node", node.node().address()).evidence("role", node.node().role().label())
                .evidence("shard", node.node().shard()).evidence("error", String.valueOf(cause.getMessage()))
                .hint("its slots fail over to a replica after cluster-node-timeout, if it has one; otherwise they stay down"));
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        RedisInfo info = node.info();
        if (!info.clusterEnabled()) {
            throw new DetectionNotApplicableException(node.node().address() + " is not a cluster node (cluster_enabled:0)");
        }
        RedisInfo cluster = RedisInfo.parse(node.sync().clusterInfo());
        String state = cluster.string("cluster_state").orElse("unknown");
        long fail = cluster.numberOr0("cluster_slots_fail");
        long pfail = cluster.numberOr0("cluster_slots_pfail");
        out.signal(STATE, "ok".equals(state) ? 1 : 0, tags(node)).signal(SLOTS_FAIL, fail + pfail, tags(node));
        states.put(node.node().address(), new String[] {state, String.valueOf(fail), String.valueOf(pfail),
                String.valueOf(cluster.numberOr0("cluster_slots_assigned")), String.valueOf(cluster.numberOr0("cluster_known_nodes"))});
        if (node.node().role() == RedisNode.Role.MASTER) {
            long keys = info.totalKeys();
            out.signal(KEYS, keys, tags(node));
            double ops = counters.update(node.node().address(), info.numberOr0("uptime_in_seconds"),
                            Map.of("commands", info.numberOr0("total_commands_processed")))
                    .filter(d -> d.reset().isEmpty()).map(d -> d.perSecond("commands")).orElse(Double.NaN);
            if (!Double.isNaN(ops)) {
                out.signal(OPS, ops, tags(node));
            }
            masters.put(node.node().address(), new double[] {ops, keys});
        }
    }

    @Override
    protected void afterNodes(DetectionContext ctx, List<NodeClient> nodes, Detection.Builder out) {
        states.entrySet().stream().filter(e -> !"ok".equals(e.getValue()[0]) || !"0".equals(e.getValue()[1])
                || !"0".equals(e.getValue()[2])).findFirst().ifPresent(e -> {
            String[] s = e.getValue();
            boolean down = !"ok".equals(s[0]) || !"0".equals(s[1]);
            out.finding(ctx.finding(Problem.CASCADING_FAILURES, down ? Severity.CRITICAL : Severity.WARNING, "cluster state")
                    .summary(String.format("Cluster state is %s as %s sees it: %s slots failing, %s possibly failing", s[0], e.getKey(), s[1], s[2]))
                    .evidence("seen_from", e.getKey()).evidence("cluster_state", s[0]).evidence("cluster_slots_fail", Long.parseLong(s[1]))
                    .evidence("cluster_slots_pfail", Long.parseLong(s[2])).evidence("cluster_slots_assigned", Long.parseLong(s[3]))
                    .evidence("cluster_known_nodes", Long.parseLong(s[4]))
                    .hint("keys in failing slots cannot be served: is a master down without a replica to promote?"));
        });
        if (masters.size() < 2) {
            return;
        }
        skew(ctx, out, 0, "ops/s", ctx.setting(MIN_OPS));
        skew(ctx, out, 1, "keys", ctx.setting(MIN_KEYS));
    }

    private void skew(DetectionContext ctx, Detection.Builder out, int index, String unit, double floor) {
        double total = masters.values().stream().mapToDouble(v -> v[index]).sum();
        if (Double.isNaN(total) || total <= 0) {
            return;
        }
        int peers = masters.size() - 1;
        for (Map.Entry<String, double[]> e : masters.entrySet()) {
            double mine = e.getValue()[index];
            double peersMean = (total - mine) / peers;
            double share = mine / total;
            boolean hot = mine >= floor && (mine > ctx.setting(SKEW) * Math.max(peersMean, 1) || (peers >= 4 && share > ctx.setting(SHARE)));
            if (hot) {
                out.finding(ctx.finding(Problem.SCALABILITY_HOTSPOTS, Severity.WARNING, "node " + e.getKey() + " " + (index == 0 ? "traffic" : "keys"))
                        .summary(String.format("Master %s has %.0f %% of the cluster's %s (%.0f vs %.0f on average on its %d peers)",
                                e.getKey(), share * 100, unit, mine, peersMean, peers))
                        .evidence(unit.replace("/", "_per_"), Math.round(mine)).evidence("peers_mean", Math.round(peersMean))
                        .evidence("share", MemoryDetector.round(share)).evidence("masters", masters.size())
                        .hint(index == 0 ? "one shard takes the traffic: look for a hot key there (redis.hot-keys) or a hash tag"
                                + " that maps many keys to one slot" : "keys are unevenly spread: a hash tag {..} groups too many keys,"
                                + " or slots are unevenly assigned (redis-cli --cluster rebalance)"));
            }
        }
    }
}
