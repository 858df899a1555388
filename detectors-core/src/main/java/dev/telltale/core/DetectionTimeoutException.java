package dev.telltale.core;

/**
 * Thrown from inside a detection when its work missed the run's deadline (a server-side statement timeout, a
 * client-side query timeout, a target busy past the budget). The engine records a {@code timeout} outcome,
 * as it does when the run as a whole outlives its {@code timeout} setting, not an {@code error}.
 */
public class DetectionTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DetectionTimeoutException(String message) {
        super(message);
    }

    public DetectionTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
