package dev.telltale.cli.internal;

import dev.telltale.core.DetectorSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The target kinds the command line knows, by name, and the in-process detectors packaged with them. The
 * flags of check, watch and serve and the keys under {@code targets:} in telltale.yaml are derived from them.
 */
public final class TargetKinds {
    private final Map<String, TargetKind> kinds = new LinkedHashMap<>();
    private final List<DetectorSpec> inProcess;

    /** @throws IllegalArgumentException for two kinds of one name, or more than one that accepts {@code integrity:} */
    public TargetKinds(Collection<? extends TargetKind> kinds, List<DetectorSpec> inProcess) {
        for (TargetKind k : kinds) {
            if (this.kinds.put(k.name(), k) != null) {
                throw new IllegalArgumentException("two target kinds are named '" + k.name() + "'");
            }
        }
        if (kinds.stream().filter(TargetKind::acceptsIntegrity).count() > 1) {
            throw new IllegalArgumentException("more than one target kind accepts the integrity: section");
        }
        this.inProcess = List.copyOf(inProcess);
    }

    /** The kinds built into telltale.jar. */
    public static TargetKinds builtIn() {
        return BuiltInKinds.create();
    }

    public Optional<TargetKind> byName(String name) {
        return Optional.ofNullable(kinds.get(name));
    }

    /** In the order they were given, which is the order of their flags in messages. */
    public Collection<TargetKind> all() {
        return Collections.unmodifiableCollection(kinds.values());
    }

    /** The kind whose targets run the {@code integrity:} section of telltale.yaml, if this build has one. */
    public Optional<TargetKind> integrityKind() {
        return kinds.values().stream().filter(TargetKind::acceptsIntegrity).findFirst();
    }

    /**
     * The spec of every detector on the classpath: the target kinds' and the in-process ones (JVM detectors
     * that run inside an application, listed for completeness).
     */
    public List<DetectorSpec> specs() {
        List<DetectorSpec> all = new ArrayList<>();
        kinds.values().forEach(k -> all.addAll(k.specs()));
        all.addAll(inProcess);
        return all;
    }

    /** A detector's spec and where it runs: a target kind's name, or {@code in-process}. */
    public record Listed(DetectorSpec detector, String where) {
    }

    /** Every detector once, by id, the target kinds' first (in their order), then the in-process ones. */
    public List<Listed> listed() {
        Map<String, Listed> byId = new LinkedHashMap<>();
        for (TargetKind k : kinds.values()) {
            k.specs().forEach(d -> byId.putIfAbsent(d.id(), new Listed(d, k.name())));
        }
        inProcess.forEach(d -> byId.putIfAbsent(d.id(), new Listed(d, "in-process")));
        return new ArrayList<>(byId.values());
    }

    /** Specs of the detectors that run inside an application, not against a target. */
    public List<DetectorSpec> inProcessSpecs() {
        return inProcess;
    }
}
