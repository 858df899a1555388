package dev.telltale.core;

/** PENDING until a finding has held for its {@code for} duration, then FIRING, then RESOLVED when it stops. */
public enum AlertState {
    PENDING, FIRING, RESOLVED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
