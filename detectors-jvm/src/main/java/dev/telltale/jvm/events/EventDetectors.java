package dev.telltale.jvm.events;

import dev.telltale.core.Detector;
import dev.telltale.jvm.internal.events.EventOrderingDetector;
import dev.telltale.jvm.internal.events.OrderCounts;

import java.util.Arrays;
import java.util.Objects;

/** The detectors of this package, for the application to create next to its {@link EventOrderTracker}s. */
public final class EventDetectors {
    private EventDetectors() {
    }

    /** {@code events.ordering}: regressions, gaps and repeats seen by the trackers, read once per run. */
    public static Detector ordering(String target, EventOrderTracker... trackers) {
        Objects.requireNonNull(trackers, "trackers");
        return new EventOrderingDetector(target, Arrays.stream(trackers)
                .map(t -> new OrderCounts.Source(Objects.requireNonNull(t, "tracker").name(), t::drain)).toList());
    }
}
