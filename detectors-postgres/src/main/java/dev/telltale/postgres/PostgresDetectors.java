package dev.telltale.postgres;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.postgres.activity.ConnectionsDetector;
import dev.telltale.postgres.activity.DeadlocksDetector;
import dev.telltale.postgres.activity.HotRowsDetector;
import dev.telltale.postgres.activity.LockWaitsDetector;
import dev.telltale.postgres.activity.LongRunningDetector;
import dev.telltale.postgres.activity.QueryBurstsDetector;
import dev.telltale.postgres.integrity.internal.IntegrityDetector;
import dev.telltale.postgres.replication.ReplicationDetector;
import dev.telltale.postgres.replication.TopologyDetector;
import dev.telltale.postgres.stats.CacheHitDetector;
import dev.telltale.postgres.stats.CheckpointsDetector;
import dev.telltale.postgres.stats.ChecksumsDetector;
import dev.telltale.postgres.stats.HotTablesDetector;
import dev.telltale.postgres.stats.IndexesDetector;
import dev.telltale.postgres.stats.SequencesDetector;
import dev.telltale.postgres.stats.StatementsDetector;
import dev.telltale.postgres.stats.TableHealthDetector;
import dev.telltale.postgres.stats.TempSpillsDetector;
import dev.telltale.postgres.stats.WraparoundDetector;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The server detectors of this module, built for one target. */
public final class PostgresDetectors {
    private PostgresDetectors() {
    }

    /** Every server detector of the module, one instance each, watching {@code target}. */
    public static List<Detector> forTarget(PostgresTarget target) {
        Objects.requireNonNull(target, "target");
        List<Detector> all = new ArrayList<>();
        // sessions, locks and contention (dev.telltale.postgres.activity)
        all.add(new ConnectionsDetector(target));
        all.add(new LockWaitsDetector(target));
        all.add(new HotRowsDetector(target));
        all.add(new DeadlocksDetector(target));
        all.add(new LongRunningDetector(target));
        all.add(new QueryBurstsDetector(target));
        // statements, tables, indexes, storage (dev.telltale.postgres.stats)
        all.add(new dev.telltale.postgres.stats.StatementsDetector(target));
        all.add(new dev.telltale.postgres.stats.HotTablesDetector(target));
        all.add(new dev.telltale.postgres.stats.TableHealthDetector(target));
        all.add(new dev.telltale.postgres.stats.IndexesDetector(target));
        all.add(new dev.telltale.postgres.stats.WraparoundDetector(target));
        all.add(new dev.telltale.postgres.stats.SequencesDetector(target));
        all.add(new dev.telltale.postgres.stats.CacheHitDetector(target));
        all.add(new dev.telltale.postgres.stats.TempSpillsDetector(target));
        all.add(new dev.telltale.postgres.stats.CheckpointsDetector(target));
        all.add(new dev.telltale.postgres.stats.ChecksumsDetector(target));
        // replication (dev.telltale.postgres.replication)
        all.add(new dev.telltale.postgres.replication.ReplicationDetector(target));
        return List.copyOf(all);
    }

    /**
     * The specs of every server detector of {@link #forTarget} and of {@code postgres.topology}, in that
     * order, for listing and checking settings without a server.
     */
    public static List<DetectorSpec> specs() {
        return List.of(ConnectionsDetector.SPEC, LockWaitsDetector.SPEC, HotRowsDetector.SPEC, DeadlocksDetector.SPEC,
                LongRunningDetector.SPEC, QueryBurstsDetector.SPEC,
                StatementsDetector.SPEC, HotTablesDetector.SPEC, TableHealthDetector.SPEC, IndexesDetector.SPEC,
                WraparoundDetector.SPEC, SequencesDetector.SPEC, CacheHitDetector.SPEC, TempSpillsDetector.SPEC,
                CheckpointsDetector.SPEC, ChecksumsDetector.SPEC,
                ReplicationDetector.SPEC, TopologyDetector.SPEC);
    }

    /** One spec per integrity check kind ({@code integrity.duplicates}, ...), each with its kind's default problem. */
    public static List<DetectorSpec> integritySpecs() {
        return IntegrityDetector.specs();
    }

    /**
     * The detectors that compare several endpoints (primary and standbys): split-brain and timeline changes.
     * Any targets may be given: only servers that share a system identifier are compared, and targets that
     * reach one server (two of its databases) count once, so unrelated clusters are never a split brain.
     * Each endpoint keeps its own connection.
     */
    public static List<Detector> forTopology(List<PostgresTarget> targets) {
        Objects.requireNonNull(targets, "targets");
        // the cluster is named after its endpoints: a stable, bounded tag value
        String name = targets.stream().map(PostgresTarget::name).collect(java.util.stream.Collectors.joining("+"));
        return List.of(new dev.telltale.postgres.replication.TopologyDetector(name, targets));
    }
}
