package dev.telltale.cli.internal;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A kind of target the command line can watch (PostgreSQL, Redis). A kind declares everything the command line
 * needs to take it: its flag ({@code --postgres NAME=URL}, repeatable) and key under {@code targets:} in
 * telltale.yaml, the URL schemes it accepts, how its targets are named by default and whether it runs the
 * {@code integrity:} section. Adding a kind is one class and a line in the list of built-in kinds;
 * {@link TargetKinds} holds the ones on the classpath.
 */
public interface TargetKind {

    /** The flag without its dashes and the key under {@code targets:}, for example {@code postgres}. */
    String name();

    /** The flag, for example {@code --postgres}. */
    default String flag() {
        return "--" + name();
    }

    /** The flag's help, without "repeatable": for example {@code PostgreSQL to watch: postgresql://...}. */
    String description();

    /** A URL of this kind for error messages, for example {@code postgresql://user:pass@host:5432/db}. */
    String exampleUrl();

    /** URL schemes it accepts, lower case, without {@code jdbc:}. */
    Set<String> schemes();

    /** The port of a URL that gives none, for its default name. */
    int defaultPort();

    /**
     * What a default name adds after {@code host:port} ({@link TargetName#derived}): PostgreSQL's database,
     * for example; empty for nothing.
     *
     * @param url the target's URL, without {@code jdbc:}
     */
    Optional<String> database(URI url);

    /**
     * Whether the {@code integrity:} section of telltale.yaml runs on targets of this kind; at most one kind
     * does, and {@link #open} gets the section only if this is true.
     */
    default boolean acceptsIntegrity() {
        return false;
    }

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
