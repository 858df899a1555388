package dev.telltale.redis.internal;

import dev.telltale.core.AbstractDetector;
import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;

import dev.telltale.core.Finding;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Split brain among the endpoints of several targets, compared only where they belong together: endpoints
 * linked by replication (a replica's master is another endpoint, or they share a replication id, current or
 * previous: a replica promoted by REPLICAOF NO ONE keeps its old master's id as master_replid2). More than one
 * master in such a group is split brain, critical at once; unrelated standalone masters are never compared,
 * and one server reached twice (two db numbers) is one endpoint (by run_id). Cluster endpoints are left out
 * (a cluster has a master per shard by design; redis.cluster watches it).
 */
public final class RedisTopologyDetector extends AbstractDetector implements RedisTopologyDetectorSpec {
    private final List<RedisTarget> targets;

    public RedisTopologyDetector(List<RedisTarget> targets) {
        super(SPEC, groupName(targets));
        this.targets = List.copyOf(targets);
    }

    /** The endpoints' names joined with {@code +}, refused for fewer than two. */
    private static String groupName(List<RedisTarget> targets) {
        if (targets.size() < 2) {
            throw new IllegalArgumentException("a topology check needs at least two Redis targets, got " + targets.size());
        }
        return targets.stream().map(RedisTarget::name).collect(Collectors.joining("+"));
    }

    @Override
    public Detection detect(DetectionContext ctx) {
        List<Endpoint> endpoints = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        RuntimeException firstFailure = null;
        for (RedisTarget t : targets) {
            List<NodeClient> nodes;
            try {
                nodes = RedisTargetAccess.nodeClients(t);
            } catch (RuntimeException e) {
                reconnectAfterTimeout(t, e);
                unreachable.add(t.name() + ": " + e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
                continue;
            }
            for (NodeClient n : nodes) {
                RedisInfo info;
                try {
                    info = RedisInfo.parse(n.sync().info("server") + "\n" + n.sync().info("replication") + "\n" + n.sync().info("cluster"));
                } catch (RuntimeException e) {
                    reconnectAfterTimeout(t, e);
                    unreachable.add(n.node().address() + ": " + e.getMessage());
                    firstFailure = firstFailure == null ? e : firstFailure;
                    continue;
                }
                if (info.clusterEnabled()) {
                    continue; // a cluster has a master per shard by design: redis.cluster watches it
                }
                Endpoint.of(n, info, t.name(), endpoints);
            }
        }
        if (endpoints.isEmpty() && firstFailure != null) {
            throw new IllegalStateException(ID + ": no endpoint answered: " + String.join("; ", unreachable), firstFailure);
        }
        int most = 0;
        Detection.Builder out = Detection.builder();
        for (List<Endpoint> group : Endpoint.groups(endpoints)) {
            List<Endpoint> masters = group.stream().filter(e -> e.master).toList();
            most = Math.max(most, masters.size());
            if (masters.size() > 1) {
                out.finding(splitBrain(ctx, group, masters, unreachable));
            }
        }
        return out.signal(MASTERS, most).build();
    }

    private Finding.Builder splitBrain(DetectionContext ctx, List<Endpoint> group, List<Endpoint> masters, List<String> unreachable) {
        Set<String> names = new LinkedHashSet<>();
        targets.stream().map(RedisTarget::name).filter(n -> group.stream().anyMatch(e -> e.targets.contains(n))).forEach(names::add);
        String masterList = masters.stream().map(e -> e.address).collect(Collectors.joining(", "));
        var f = ctx.finding(Problem.SPLIT_BRAIN, Severity.CRITICAL, "replica group " + String.join("+", names))
                .summary(String.format("%d nodes that share replication history act as master at once: %s", masters.size(), masterList))
                .evidence("masters", masterList)
                .evidence("nodes", group.stream().map(Endpoint::describe).collect(Collectors.joining("; ")))
                .evidence("linked_by", group.stream().flatMap(e -> e.links.stream()).distinct().collect(Collectors.joining("; ")));
        masters.forEach(m -> f.evidence(m.address + " master_replid", m.replid).evidence(m.address + " master_replid2", m.replid2)
                .evidence(m.address + " connected_slaves", m.connectedReplicas));
        if (!unreachable.isEmpty()) {
            f.evidence("unreachable", String.join("; ", unreachable));
        }
        return f.hint("these masters were one replica group (" + masterList + "): writes land on each and diverge. Stop"
                + " writes to all but one of them, then make the others REPLICAOF that one (their writes since the split are"
                + " lost); check Sentinel quorum and network partitions");
    }

    private static void reconnectAfterTimeout(RedisTarget t, RuntimeException e) {
        if (RedisDetector.timedOut(e)) {
            RedisTargetAccess.reconnect(t);
        }
    }
}
