package dev.telltale.jvm.internal;

import dev.telltale.core.Severity;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hysteresis for the severity of a detector's findings: a finding does not fall back to a lower
 * severity until its {@code for} has passed since the higher one was last measured. A measure that hovers
 * at a threshold (a pool at 10 of 10 connections, then 9, then 10) so keeps one severity instead of
 * firing again at each crossing. Keyed by finding subject; not thread-safe (a detector runs one at a time).
 */
public final class SeverityHold {
    private record Held(Severity severity, Instant lastMeasured) {
    }

    /** The severity to report, and when the held (higher) severity was last measured if it is held. */
    public record Verdict(Severity severity, Optional<Instant> heldSince) {
        public boolean held() {
            return heldSince.isPresent();
        }
    }

    private final Map<String, Held> held = new HashMap<>();

    /** The severity of finding {@code subject} now that its measure says {@code measured}. */
    public Verdict apply(String subject, Severity measured, Duration holdFor, Instant now) {
        Held h = held.get(subject);
        if (h != null && measured.compareTo(h.severity()) < 0
                && Duration.between(h.lastMeasured(), now).compareTo(holdFor) < 0) {
            return new Verdict(h.severity(), Optional.of(h.lastMeasured()));
        }
        held.put(subject, new Held(measured, now));
        return new Verdict(measured, Optional.empty());
    }

    /** Forgets the findings not reported in this run: a finding that stopped starts afresh. */
    public void retain(Set<String> reported) {
        held.keySet().retainAll(reported);
    }
}
