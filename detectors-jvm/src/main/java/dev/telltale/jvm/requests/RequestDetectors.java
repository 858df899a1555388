package dev.telltale.jvm.requests;

import dev.telltale.core.Detector;
import dev.telltale.jvm.internal.requests.DuplicateRequestsDetector;
import dev.telltale.jvm.internal.requests.IdempotencyCounts;

import java.util.Arrays;
import java.util.Objects;

/** The detectors of this package, for the application to create next to its {@link IdempotencyTracker}s. */
public final class RequestDetectors {
    private RequestDetectors() {
    }

    /** {@code requests.duplicates}: concurrent duplicates, replays and missing keys seen by the trackers. */
    public static Detector duplicates(String target, IdempotencyTracker... trackers) {
        Objects.requireNonNull(trackers, "trackers");
        return new DuplicateRequestsDetector(target, Arrays.stream(trackers)
                .map(t -> new IdempotencyCounts.Source(Objects.requireNonNull(t, "tracker").name(), t.kind(), t::drain))
                .toList());
    }
}
