package dev.telltale.core;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The detector SPI. One instance watches one target; it keeps what it needs between runs (the previous
 * counter snapshot for deltas) itself. The engine never runs two detections of one instance at once.
 */
public interface Detector {

    /** {@code <area>.<name>}, for example {@code postgres.lock-waits}; the prefix of its setting keys. */
    String id();

    /** The configured name of what this instance watches, used as the {@code target} tag. */
    String target();

    /** The catalogue problems whose symptoms this detector reports. */
    Set<Problem> problems();

    Duration defaultInterval();

    /** The settings this detector reads, with defaults; the engine adds {@code enabled}, {@code interval}, {@code timeout}. */
    List<Setting<?>> settings();

    /**
     * Looks once. Throws on failure (the run is recorded as {@code error} with the cause); returns
     * {@link Detection#skipped} or throws {@link DetectionSkippedException} when it cannot look.
     */
    Detection detect(DetectionContext context) throws Exception;
}
