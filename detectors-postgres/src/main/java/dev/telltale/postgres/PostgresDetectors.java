package dev.telltale.postgres;

import dev.telltale.core.Detector;

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
        return List.copyOf(all);
    }
}
