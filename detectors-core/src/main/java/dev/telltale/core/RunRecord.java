package dev.telltale.core;

import java.time.Duration;
import java.time.Instant;

/** One run of one detector on one target. */
public record RunRecord(String detector, String target, Outcome outcome, Instant startedAt, Duration duration) {
}
