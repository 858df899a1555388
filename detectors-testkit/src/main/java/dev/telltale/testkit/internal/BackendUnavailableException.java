package dev.telltale.testkit.internal;

/** No source could provide the backend; the message lists every source tried and why it failed. */
public final class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }
}
