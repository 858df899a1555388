package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Several endpoints given as one replica group: each reports its role, and more than one master is split
 * brain, critical at once. Cluster targets are left out (a cluster has a master per shard by design;
 * redis.cluster watches it), which is the false positive of topology-naive "too many masters" rules.
 */
public final class RedisTopologyDetector implements Detector {
    public static final String ID = "redis.topology";
    static final SignalSpec MASTERS = SignalSpec.of("redis.topology.masters", "nodes",
            "Nodes of the configured replica group that act as master (1 is healthy).");

    public static final DetectorSpec SPEC = DetectorSpec.builder(ID)
            .summary("The roles of several endpoints given as one replica group: more than one master is split brain.")
            .problems(Problem.SPLIT_BRAIN)
            .interval(Duration.ofSeconds(10))
            .signals(MASTERS)
            .build();

    private final List<RedisTarget> targets;
    private final String name;

    public RedisTopologyDetector(List<RedisTarget> targets) {
        if (targets.size() < 2) {
            throw new IllegalArgumentException("a topology check needs at least two Redis targets, got " + targets.size());
        }
        this.targets = List.copyOf(targets);
        this.name = targets.stream().map(RedisTarget::name).collect(Collectors.joining("+"));
    }

    @Override
    public DetectorSpec spec() {
        return SPEC;
    }

    @Override
    public String target() {
        return name;
    }

    @Override
    public Detection detect(DetectionContext ctx) {
        Map<String, RedisInfo> masters = new LinkedHashMap<>();
        List<String> seen = new ArrayList<>();
        for (RedisTarget t : targets) {
            for (NodeClient n : RedisTargetAccess.nodeClients(t)) {
                RedisInfo info = RedisInfo.parse(n.sync().info("replication") + "\n" + n.sync().info("cluster"));
                if (info.clusterEnabled()) {
                    continue;
                }
                seen.add(n.node().address() + " " + (info.isMaster() ? "master" : "replica of "
                        + info.string("master_host").orElse("?") + ":" + info.string("master_port").orElse("?")));
                if (info.isMaster()) {
                    masters.putIfAbsent(n.node().address(), info);
                }
            }
        }
        Detection.Builder out = Detection.builder().signal(MASTERS, masters.size());
        if (masters.size() > 1) {
            var f = ctx.finding(Problem.SPLIT_BRAIN, Severity.CRITICAL, "replica group " + name)
                    .summary(String.format("%d nodes act as master in one replica group: %s", masters.size(),
                            String.join(", ", masters.keySet())))
                    .evidence("masters", String.join(", ", masters.keySet()))
                    .evidence("nodes", String.join("; ", seen));
            masters.forEach((addr, info) -> f.evidence(addr + " master_replid", info.string("master_replid").orElse("?"))
                    .evidence(addr + " connected_slaves", info.numberOr0("connected_slaves")));
            out.finding(f.hint("writes land on both sides and diverge: stop writes to all but one master, then make the others"
                    + " REPLICAOF it (their writes since the split are lost); check Sentinel quorum and network partitions"));
        }
        return out.build();
    }
}
