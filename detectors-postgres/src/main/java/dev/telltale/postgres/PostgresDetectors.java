package dev.telltale.postgres;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.postgres.internal.activity.ConnectionsDetector;
import dev.telltale.postgres.internal.activity.DeadlocksDetector;
import dev.telltale.postgres.internal.activity.HotRowsDetector;
import dev.telltale.postgres.internal.activity.LockWaitsDetector;
import dev.telltale.postgres.internal.activity.LongRunningDetector;
import dev.telltale.postgres.internal.activity.QueryBurstsDetector;
import dev.telltale.postgres.integrity.internal.IntegrityDetector;
import dev.telltale.postgres.internal.replication.PostgresReplicationDetector;
import dev.telltale.postgres.internal.replication.PostgresTopologyDetector;
import dev.telltale.postgres.internal.stats.ArchiverDetector;
import dev.telltale.postgres.internal.schema.ForeignKeysDetector;
import dev.telltale.postgres.internal.schema.SchemaDetector;
import dev.telltale.postgres.internal.stats.CacheHitDetector;
import dev.telltale.postgres.internal.stats.CheckpointsDetector;
import dev.telltale.postgres.internal.stats.ChecksumsDetector;
import dev.telltale.postgres.internal.stats.GrowthDetector;
import dev.telltale.postgres.internal.stats.HotTablesDetector;
import dev.telltale.postgres.internal.stats.IndexesDetector;
import dev.telltale.postgres.internal.stats.RollbacksDetector;
import dev.telltale.postgres.internal.stats.SequencesDetector;
import dev.telltale.postgres.internal.stats.SettingsDetector;
import dev.telltale.postgres.internal.stats.StaleStatisticsDetector;
import dev.telltale.postgres.internal.stats.StatementsDetector;
import dev.telltale.postgres.internal.stats.TableHealthDetector;
import dev.telltale.postgres.internal.stats.TempSpillsDetector;
import dev.telltale.postgres.internal.stats.WraparoundDetector;

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
        // sessions, locks and contention (dev.telltale.postgres.internal.activity)
        all.add(new ConnectionsDetector(target));
        all.add(new LockWaitsDetector(target));
        all.add(new HotRowsDetector(target));
        all.add(new DeadlocksDetector(target));
        all.add(new LongRunningDetector(target));
        all.add(new QueryBurstsDetector(target));
        // statements, tables, indexes, storage (dev.telltale.postgres.internal.stats)
        all.add(new dev.telltale.postgres.internal.stats.StatementsDetector(target));
        all.add(new dev.telltale.postgres.internal.stats.HotTablesDetector(target));
        all.add(new dev.telltale.postgres.internal.stats.TableHealthDetector(target));
        all.add(new StaleStatisticsDetector(target));
        all.add(new dev.telltale.postgres.internal.stats.IndexesDetector(target));
        all.add(new dev.telltale.postgres.internal.stats.WraparoundDetector(target));
        all.add(new dev.telltale.postgres.internal.stats.SequencesDetector(target));
        all.add(new dev.telltale.postgres.internal.stats.CacheHitDetector(target));
        all.add(new dev.telltale.postgres.internal.stats.TempSpillsDetector(target));
        all.add(new dev.telltale.postgres.internal.stats.CheckpointsDetector(target));
        all.add(new dev.telltale.postgres.internal.stats.ChecksumsDetector(target));
        all.add(new GrowthDetector(target));
        // schema causes, from the catalogs (dev.telltale.postgres.internal.schema)
        all.add(new ForeignKeysDetector(target));
        all.add(new SchemaDetector(target));
        // operations: rollbacks, WAL archiving, configuration (dev.telltale.postgres.internal.stats)
        all.add(new RollbacksDetector(target));
        all.add(new ArchiverDetector(target));
        all.add(new SettingsDetector(target));
        // replication (dev.telltale.postgres.internal.replication)
        all.add(new dev.telltale.postgres.internal.replication.PostgresReplicationDetector(target));
        return List.copyOf(all);
    }

    /**
     * The specs of every server detector of {@link #forTarget} and of {@code postgres.topology}, in that
     * order, for listing and checking settings without a server.
     */
    public static List<DetectorSpec> specs() {
        return List.of(ConnectionsDetector.SPEC, LockWaitsDetector.SPEC, HotRowsDetector.SPEC, DeadlocksDetector.SPEC,
                LongRunningDetector.SPEC, QueryBurstsDetector.SPEC,
                StatementsDetector.SPEC, HotTablesDetector.SPEC, TableHealthDetector.SPEC, StaleStatisticsDetector.SPEC,
                IndexesDetector.SPEC,
                WraparoundDetector.SPEC, SequencesDetector.SPEC, CacheHitDetector.SPEC, TempSpillsDetector.SPEC,
                CheckpointsDetector.SPEC, ChecksumsDetector.SPEC, GrowthDetector.SPEC, ForeignKeysDetector.SPEC,
                SchemaDetector.SPEC, RollbacksDetector.SPEC, ArchiverDetector.SPEC, SettingsDetector.SPEC,
                PostgresReplicationDetector.SPEC, PostgresTopologyDetector.SPEC);
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
        return List.of(new dev.telltale.postgres.internal.replication.PostgresTopologyDetector(name, targets));
    }
}
