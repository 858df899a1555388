package dev.telltale.redis;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.redis.internal.BigKeysDetector;
import dev.telltale.redis.internal.CacheEfficiencyDetector;
import dev.telltale.redis.internal.ClientsDetector;
import dev.telltale.redis.internal.ClusterDetector;
import dev.telltale.redis.internal.HotKeysDetector;
import dev.telltale.redis.internal.KeyspaceWalk;
import dev.telltale.redis.internal.LatencyDetector;
import dev.telltale.redis.internal.MemoryDetector;
import dev.telltale.redis.internal.NamespacesDetector;
import dev.telltale.redis.internal.PersistenceDetector;
import dev.telltale.redis.internal.RecommendationsDetector;
import dev.telltale.redis.internal.RedisReplicationDetector;
import dev.telltale.redis.internal.SecurityDetector;
import dev.telltale.redis.internal.SentinelAgreementDetector;
import dev.telltale.redis.internal.SentinelMasterDetector;
import dev.telltale.redis.internal.SentinelQuorumDetector;
import dev.telltale.redis.internal.SentinelReplicasDetector;
import dev.telltale.redis.internal.SlowCommandsDetector;
import dev.telltale.redis.internal.StreamsDetector;
import dev.telltale.redis.internal.RedisTopologyDetector;
import dev.telltale.redis.internal.TtlHygieneDetector;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The Redis detectors: one set per target, and the cross-endpoint split-brain check. */
public final class RedisDetectors {
    private RedisDetectors() {
    }

    /**
     * Every per-node detector for one target: cache efficiency, hot keys, big keys, memory, slow commands,
     * latency, clients, replication, persistence, cluster, TTL hygiene, streams, namespaces, security
     * posture and RedisInsight's recommendations. Each walks all nodes of the target; redis.cluster skips itself on a
     * standalone target. A target watched through Sentinel ({@link RedisTarget#fromSentinelUrl}) also gets the
     * Sentinel detectors: the master as the sentinels see it, their quorum, whether they agree on the master, and
     * the replicas they consider down.
     */
    public static List<Detector> forTarget(RedisTarget target) {
        Objects.requireNonNull(target, "target");
        // one-shot checks walk the keyspace once for all the key detectors
        KeyspaceWalk walk = new KeyspaceWalk(target);
        List<Detector> all = new ArrayList<>(List.of(new CacheEfficiencyDetector(target), new HotKeysDetector(target, walk),
                new BigKeysDetector(target, walk), new MemoryDetector(target), new SlowCommandsDetector(target),
                new LatencyDetector(target), new ClientsDetector(target), new RedisReplicationDetector(target),
                new PersistenceDetector(target), new ClusterDetector(target), new TtlHygieneDetector(target, walk),
                new StreamsDetector(target, walk), new SecurityDetector(target), new RecommendationsDetector(target, walk),
                new NamespacesDetector(target, walk)));
        if (target.sentinelMaster().isPresent()) {
            all.addAll(List.of(new SentinelMasterDetector(target), new SentinelQuorumDetector(target),
                    new SentinelAgreementDetector(target), new SentinelReplicasDetector(target)));
        }
        return List.copyOf(all);
    }

    /**
     * The specs of every per-node detector of {@link #forTarget} and of {@code redis.topology}, in that order,
     * then of the Sentinel detectors {@link #forTarget} adds on a target watched through Sentinel, for listing and
     * checking settings without a server.
     */
    public static List<DetectorSpec> specs() {
        return List.of(CacheEfficiencyDetector.SPEC, HotKeysDetector.SPEC, BigKeysDetector.SPEC, MemoryDetector.SPEC,
                SlowCommandsDetector.SPEC, LatencyDetector.SPEC, ClientsDetector.SPEC, RedisReplicationDetector.SPEC,
                PersistenceDetector.SPEC, ClusterDetector.SPEC, TtlHygieneDetector.SPEC, StreamsDetector.SPEC,
                SecurityDetector.SPEC, RecommendationsDetector.SPEC, NamespacesDetector.SPEC, RedisTopologyDetector.SPEC,
                SentinelMasterDetector.SPEC, SentinelQuorumDetector.SPEC, SentinelAgreementDetector.SPEC,
                SentinelReplicasDetector.SPEC);
    }

    /** The specs of the Sentinel detectors alone: those {@link #forTarget} adds on a target watched through Sentinel. */
    public static List<DetectorSpec> sentinelSpecs() {
        return List.of(SentinelMasterDetector.SPEC, SentinelQuorumDetector.SPEC, SentinelAgreementDetector.SPEC,
                SentinelReplicasDetector.SPEC);
    }

    /**
     * {@code redis.topology} over several targets: their endpoints are compared only where replication links
     * them (a replica's master is another endpoint, or they share a current or previous replication id), and
     * more than one master in such a group is split brain (critical). Unrelated servers are never compared;
     * one server reached through two targets (two db numbers) is one endpoint. Cluster endpoints are ignored.
     * Needs at least two targets.
     */
    public static List<Detector> forTopology(List<RedisTarget> targets) {
        Objects.requireNonNull(targets, "targets");
        return List.of(new RedisTopologyDetector(targets));
    }
}
