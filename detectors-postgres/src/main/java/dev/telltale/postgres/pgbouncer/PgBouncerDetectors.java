package dev.telltale.postgres.pgbouncer;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.postgres.pgbouncer.internal.PgBouncerClientsDetector;
import dev.telltale.postgres.pgbouncer.internal.PgBouncerPoolsDetector;

import java.util.List;
import java.util.Objects;

/** The PgBouncer detectors, built for one target (its admin console). */
public final class PgBouncerDetectors {
    private PgBouncerDetectors() {
    }

    /** Every PgBouncer detector, one instance each, watching {@code target}. */
    public static List<Detector> forTarget(PgBouncerTarget target) {
        Objects.requireNonNull(target, "target");
        return List.of(new PgBouncerPoolsDetector(target), new PgBouncerClientsDetector(target));
    }

    /** The specs of {@link #forTarget}'s detectors, in that order, for listing and checking settings without a target. */
    public static List<DetectorSpec> specs() {
        return List.of(PgBouncerPoolsDetector.SPEC, PgBouncerClientsDetector.SPEC);
    }
}
