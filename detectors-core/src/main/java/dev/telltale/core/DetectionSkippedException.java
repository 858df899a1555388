package dev.telltale.core;

/**
 * Thrown from deep inside a detection when it cannot look at all (missing privilege or extension).
 * The engine records a {@code skipped} outcome with the message as the reason.
 */
public class DetectionSkippedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DetectionSkippedException(String reason) {
        super(reason);
    }

    public DetectionSkippedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
