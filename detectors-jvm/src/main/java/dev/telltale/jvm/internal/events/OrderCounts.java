package dev.telltale.jvm.internal.events;

import java.util.List;
import java.util.function.Supplier;

/** What an {@code EventOrderTracker} counted since the previous read. */
public record OrderCounts(long events, long gaps, long missing, long repeats, long regressions, long entities, List<String> regressionSamples) {
    /** A tracker as the detector sees it: its name and how to read and reset its counts. */
    public record Source(String name, Supplier<OrderCounts> drain) {
    }
}
