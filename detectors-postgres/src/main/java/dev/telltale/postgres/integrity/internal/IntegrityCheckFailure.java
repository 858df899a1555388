package dev.telltale.postgres.integrity.internal;

/** One or more checks of a detector could not run; the message names each check and why. */
public final class IntegrityCheckFailure extends Exception {
    private static final long serialVersionUID = 1L;

    public IntegrityCheckFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
