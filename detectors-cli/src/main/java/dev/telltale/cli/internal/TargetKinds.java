package dev.telltale.cli.internal;

import dev.telltale.cli.internal.demo.DemoRunner;
import dev.telltale.cli.internal.demo.InProcess;
import dev.telltale.core.Detector;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The target kinds the command line knows, by name, and the in-process detectors packaged with them. */
public final class TargetKinds {
    private final Map<String, TargetKind> kinds = new LinkedHashMap<>();
    private final List<Detector> inProcess;
    private final Function<DemoRunner.DemoParts, InProcess> demoInProcess;

    public TargetKinds(Collection<? extends TargetKind> kinds, List<Detector> inProcessPrototypes) {
        this(kinds, inProcessPrototypes, parts -> InProcess.NONE);
    }

    public TargetKinds(Collection<? extends TargetKind> kinds, List<Detector> inProcessPrototypes,
                       Function<DemoRunner.DemoParts, InProcess> demoInProcess) {
        kinds.forEach(k -> this.kinds.put(k.name(), k));
        this.inProcess = List.copyOf(inProcessPrototypes);
        this.demoInProcess = demoInProcess;
    }

    /** The kinds built into telltale.jar. */
    public static TargetKinds builtIn() {
        return BuiltInKinds.create();
    }

    public Optional<TargetKind> byName(String name) {
        return Optional.ofNullable(kinds.get(name));
    }

    public Collection<TargetKind> all() {
        return kinds.values();
    }

    /**
     * Every detector on the classpath, on placeholder targets: the target kinds' and the in-process ones
     * (JVM detectors that run inside an application, listed for completeness).
     */
    public List<Detector> prototypes() {
        List<Detector> all = new ArrayList<>();
        kinds.values().forEach(k -> all.addAll(k.prototypes()));
        all.addAll(inProcess);
        return all;
    }

    /** Detectors that run inside an application, not against a target. */
    public List<Detector> inProcessPrototypes() {
        return inProcess;
    }

    /** Builds the demo's in-process detectors and the scenarios that need them. */
    public Function<DemoRunner.DemoParts, InProcess> demoInProcess() {
        return demoInProcess;
    }
}
