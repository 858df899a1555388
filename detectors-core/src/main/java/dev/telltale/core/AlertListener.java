package dev.telltale.core;

/**
 * Hears alert transitions, not every run. {@code onFiring} is called when a finding starts firing and
 * again when the severity of a firing finding changes; {@code onResolved} once when it stops.
 * Called from the engine's threads: return quickly and do not throw (a throwing listener is logged and ignored).
 */
public interface AlertListener {
    default void onFiring(Alert alert) {
    }

    default void onResolved(Alert alert) {
    }
}
