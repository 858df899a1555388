package dev.telltale.core;

/**
 * The detector SPI. One instance watches one target; it keeps what it needs between runs (the previous
 * counter snapshot for deltas) itself. The engine never runs two detections of one instance at once.
 *
 * <p>What a detector is (id, problems, interval, settings, signals) is its {@link DetectorSpec}, declared
 * once per class as a constant and returned by {@link #spec()}; an instance adds only its target.
 */
public interface Detector {

    /** The static description shared by every instance of this detector. */
    DetectorSpec spec();

    /** The configured name of what this instance watches, used as the {@code target} tag. */
    String target();

    /**
     * Called once when the engine is built, before any run, with the settings resolved and validated for
     * this instance. Detectors whose settings are read outside {@link #detect} (a JDBC listener on the
     * application's hot path) take them here.
     */
    default void configure(DetectorSettings settings) {
    }

    /**
     * Looks once. Throws on failure (the run is recorded as {@code error} with the cause); returns
     * {@link Detection#skipped} or throws {@link DetectionSkippedException} when it cannot look, and throws
     * {@link DetectionNotApplicableException} when its subject does not exist on this target.
     */
    Detection detect(DetectionContext context) throws Exception;

    /** Shorthand for {@code spec().id()}. */
    default String id() {
        return spec().id();
    }
}
