package dev.telltale.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of one detector on one target, with what it did not look at: its coverage when it walked part
 * of its subject, the number of findings cut from its list, and notes on verdicts a default withheld; and the
 * signal values it measured (none when it did not end ok). {@code duration} is the run's own time; the time it
 * waited before and during the run for a worker or its target's connection is {@code queued}, apart.
 */
public record RunRecord(String detector, String target, Outcome outcome, Instant startedAt, Duration duration,
                        Optional<Coverage> coverage, long truncated, List<String> notes, List<Signal> signals,
                        Duration queued) {
    public RunRecord {
        Objects.requireNonNull(coverage, "coverage");
        Objects.requireNonNull(queued, "queued");
        notes = List.copyOf(notes);
        signals = List.copyOf(signals);
    }

    /** Without queue time. */
    public RunRecord(String detector, String target, Outcome outcome, Instant startedAt, Duration duration,
                     Optional<Coverage> coverage, long truncated, List<String> notes, List<Signal> signals) {
        this(detector, target, outcome, startedAt, duration, coverage, truncated, notes, signals, Duration.ZERO);
    }

    /** Without signal values. */
    public RunRecord(String detector, String target, Outcome outcome, Instant startedAt, Duration duration,
                     Optional<Coverage> coverage, long truncated, List<String> notes) {
        this(detector, target, outcome, startedAt, duration, coverage, truncated, notes, List.of());
    }

    public RunRecord(String detector, String target, Outcome outcome, Instant startedAt, Duration duration) {
        this(detector, target, outcome, startedAt, duration, Optional.empty(), 0, List.of());
    }

    /** True when the run looked at part of its subject only. */
    public boolean partial() {
        return coverage.map(c -> !c.complete()).orElse(false);
    }
}
