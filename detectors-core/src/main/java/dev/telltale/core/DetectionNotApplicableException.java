package dev.telltale.core;

/**
 * Thrown from inside a detection when its subject does not exist on this target by design: a cluster check on
 * a standalone server, a view the server's version does not have. Nobody can or should fix that, so the engine
 * records a {@code not-applicable} outcome, which no shipped alert counts, unlike {@link DetectionSkippedException}
 * (a privilege or extension a person can grant or install).
 */
public class DetectionNotApplicableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DetectionNotApplicableException(String reason) {
        super(reason);
    }
}
