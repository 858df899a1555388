package dev.telltale.core.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.Outcome;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** What a finished run produced: an outcome, and a detection when the outcome is ok. */
public record RunResult(Outcome outcome, Optional<Detection> detection, Instant startedAt, Duration duration) {
}
