package dev.telltale.cli.internal;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kind of target the command line can watch (PostgreSQL, Redis). A kind plugs in by its option name
 * ({@code --postgres}) and URL schemes; {@link TargetKinds} holds the ones on the classpath.
 */
public interface TargetKind {

    /** The option and config key, for example {@code postgres}. */
    String name();

    /** URL schemes it accepts, lower case, without {@code jdbc:}. */
    Set<String> schemes();

    /**
     * Connects to the targets, checks each answers (throwing a {@link CliException} that names the
     * unreachable one, without its password) and returns their detectors, including those that look
     * across several targets of this kind.
     *
     * @param integrity the {@code integrity:} section of telltale.yaml (check kind to a list of checks); empty if none
     */
    Opened open(List<TargetSpec> targets, Map<String, Object> integrity);

    /** The specs of every detector this kind can run: for {@code list}, the rules and validating settings. */
    List<DetectorSpec> specs();

    /** Detectors and what must be closed when done. */
    record Opened(List<Detector> detectors, List<AutoCloseable> resources) {
        public Opened {
            detectors = List.copyOf(detectors);
            resources = List.copyOf(resources);
        }
    }
}
