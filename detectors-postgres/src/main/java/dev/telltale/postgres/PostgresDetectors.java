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
        return List.copyOf(all);
    }
}
