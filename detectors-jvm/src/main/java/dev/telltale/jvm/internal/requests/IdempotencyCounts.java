package dev.telltale.jvm.internal.requests;

import dev.telltale.jvm.requests.IdempotencyTracker;

import java.util.List;
import java.util.function.Supplier;

/** What an {@code IdempotencyTracker} counted since the previous read. */
public record IdempotencyCounts(long uses, long concurrentDuplicates, long replays, long missingKeys, long remembered, List<String> concurrentKeys) {
    /** A tracker as the detector sees it: its name, its kind and how to read and reset its counts. */
    public record Source(String name, IdempotencyTracker.Kind kind, Supplier<IdempotencyCounts> drain) {
    }
}
