package dev.telltale.postgres;

import dev.telltale.core.Detector;
import dev.telltale.postgres.activity.ConnectionsDetector;
import dev.telltale.postgres.activity.DeadlocksDetector;
import dev.telltale.postgres.activity.HotRowsDetector;
import dev.telltale.postgres.activity.LockWaitsDetector;
import dev.telltale.postgres.activity.LongRunningDetector;
import dev.telltale.postgres.activity.QueryBurstsDetector;

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
     * The detectors that compare several endpoints of one cluster (primary and standbys): split-brain and
     * timeline changes. Each endpoint keeps its own connection.
     */
    public static List<Detector> forTopology(List<PostgresTarget> targets) {
        Objects.requireNonNull(targets, "targets");
        // the cluster is named after its endpoints: a stable, bounded tag value
        String name = targets.stream().map(PostgresTarget::name).collect(java.util.stream.Collectors.joining("+"));
        return List.of(new dev.telltale.postgres.replication.TopologyDetector(name, targets));
    }
}
