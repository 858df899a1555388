package dev.telltale.cli.internal;

import dev.telltale.core.Detector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the built-in kinds share: their flag, help, example URL, schemes and default port given once, and how
 * their targets open: one {@code T} per target, its own detectors, the cross-endpoint detectors of each group,
 * then the kind's extras (PostgreSQL's integrity checks); what was opened is closed if a later target fails.
 */
abstract class BuiltInKind<T extends AutoCloseable> implements TargetKind {
    /** How the command line and telltale.yaml take a kind: see {@link TargetKind}'s methods of the same names. */
    record Flag(String name, String description, String exampleUrl, int defaultPort, Set<String> schemes) {
    }

    private final Flag flag;
    private final Function<T, List<Detector>> forTarget;
    private final Function<List<T>, List<Detector>> forTopology;

    /**
     * @param forTarget   the detectors of one target
     * @param forTopology the cross-endpoint detectors of a group
     */
    BuiltInKind(Flag flag, Function<T, List<Detector>> forTarget, Function<List<T>, List<Detector>> forTopology) {
        this.flag = flag;
        this.forTarget = forTarget;
        this.forTopology = forTopology;
    }

    @Override
    public final String name() {
        return flag.name();
    }

    @Override
    public final String description() {
        return flag.description();
    }

    @Override
    public final String exampleUrl() {
        return flag.exampleUrl();
    }

    @Override
    public final Set<String> schemes() {
        return flag.schemes();
    }

    @Override
    public final int defaultPort() {
        return flag.defaultPort();
    }

    /** A target of this kind, not connected yet; a URL it cannot use is a {@link CliException} naming the flag. */
    abstract T create(TargetSpec spec, Disclosure disclosure);

    /** How the targets of one {@link #open} call are made: each on its own by default. */
    Function<TargetSpec, T> maker(Disclosure disclosure) {
        return spec -> create(spec, disclosure);
    }

    /** Detectors beyond each target's and each group's, from telltale.yaml's {@code integrity:} section: none by default. */
    List<Detector> extras(List<TargetSpec> specs, Map<String, T> byName, Map<String, Object> integrity) {
        return List.of();
    }

    @Override
    public final Opened open(List<TargetSpec> specs, List<TargetGroup> groups, Map<String, Object> integrity) {
        return open(specs, groups, integrity, Disclosure.NONE);
    }

    @Override
    public final Opened open(List<TargetSpec> specs, List<TargetGroup> groups, Map<String, Object> integrity,
                             Disclosure disclosure) {
        Map<String, T> byName = new LinkedHashMap<>();
        List<AutoCloseable> resources = new ArrayList<>();
        Function<TargetSpec, T> make = maker(disclosure);
        try {
            for (TargetSpec spec : specs) {
                T t = make.apply(spec);
                byName.put(spec.name(), t);
                resources.add(t);
            }
            List<Detector> detectors = new ArrayList<>();
            byName.values().forEach(t -> detectors.addAll(forTarget.apply(t)));
            for (TargetGroup g : groups) {
                // endpoints of one cluster, for example: more than one primary of one lineage is split brain
                detectors.addAll(forTopology.apply(g.names().stream().map(byName::get).toList()));
            }
            detectors.addAll(extras(specs, byName, integrity));
            return new Opened(detectors, resources);
        } catch (RuntimeException e) {
            Kinds.closeAll(resources);
            throw e;
        }
    }
}
