package dev.telltale.core;

/** How bad a finding is. Ordered: a later constant is worse. */
public enum Severity {
    INFO,
    WARNING,
    CRITICAL;

    public boolean isAtLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    /** The tag value and JSON spelling. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
