package dev.telltale.core.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.Outcome;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a finished run produced: an outcome, and a detection when the outcome is ok; its duration without the time it
 * queued (for a worker, for its target's lane or its target's connection), which is {@code queued}.
 */
public record RunResult(Outcome outcome, Optional<Detection> detection, Instant startedAt, Duration duration, Duration queued) {
    public RunResult(Outcome outcome, Optional<Detection> detection, Instant startedAt, Duration duration) {
        this(outcome, detection, startedAt, duration, Duration.ZERO);
    }
}
