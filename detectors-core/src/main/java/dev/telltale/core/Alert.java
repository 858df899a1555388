package dev.telltale.core;

import java.time.Instant;
import java.util.Optional;

/**
 * A finding's life as an alert.
 *
 * @param finding     the latest candidate seen (its values change, its key does not)
 * @param activeSince when it was first seen in this episode
 * @param firedAt     when it started firing
 * @param resolvedAt  when it stopped
 */
public record Alert(Finding finding, AlertState state, Instant activeSince, Optional<Instant> firedAt,
                    Optional<Instant> resolvedAt) {
}
