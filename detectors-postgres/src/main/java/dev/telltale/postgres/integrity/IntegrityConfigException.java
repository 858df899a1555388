package dev.telltale.postgres.integrity;

/**
 * A check that cannot run as configured: a malformed identifier or value (thrown while building), or a
 * table or column the server does not have (thrown by {@code validate()} and reported as the run's error on
 * every run until fixed). The message names the check and the bad value.
 */
public final class IntegrityConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public IntegrityConfigException(String message) {
        super(message);
    }
}
