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
     * The URL reduced to one host, for checking its scheme and port and for the default name: a kind whose URLs
     * list several hosts ({@code redis-sentinel://a:26379,b:26379/mymaster}) keeps the first. The kind itself
     * gets the URL as given.
     */
    default String firstHostUrl(String url) {
        return url;
    }

    /**
     * Whether the {@code integrity:} section of telltale.yaml runs on targets of this kind; at most one kind
     * does, and {@link #open} gets the section only if this is true.
     */
    default boolean acceptsIntegrity() {
        return false;
    }

    /**
     * Whether the target answers now, within a few seconds: empty when it does, else why not, in one line
     * that names the target without its password ({@code cannot reach postgres target 'shop' (...): Connection refused}).
     *
     * @throws CliException when the URL cannot be used at all (bad input rather than a server that is down)
     */
    Optional<String> probe(TargetSpec target);

    /**
     * The detectors of these targets, without connecting (connections open on first use, so a target that is
     * down only makes its runs fail): every target's own detectors, the cross-endpoint ones of each group,
     * and the {@code integrity:} checks on the first target.
     *
     * @param groups     endpoints that belong together, each of two or more of {@code targets}; the
     *                   cross-endpoint detectors run within a group only
     * @param integrity  the {@code integrity:} section of telltale.yaml (check kind to a list of checks); empty if none
     * @throws CliException for a URL the kind cannot use or a bad integrity section
     */
    Opened open(List<TargetSpec> targets, List<TargetGroup> groups, Map<String, Object> integrity);

    /** {@link #open(List, List, Map)} for outputs that may show what {@code disclosure} allows. */
    default Opened open(List<TargetSpec> targets, List<TargetGroup> groups, Map<String, Object> integrity,
                        Disclosure disclosure) {
        return open(targets, groups, integrity);
    }

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
