package dev.telltale.cli.internal;

import dev.telltale.cli.internal.demo.DemoRunner;
import dev.telltale.cli.internal.demo.InProcess;
import dev.telltale.core.DetectorSpec;

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
    private final List<DetectorSpec> inProcess;
    private final Function<DemoRunner.DemoParts, InProcess> demoInProcess;

    public TargetKinds(Collection<? extends TargetKind> kinds, List<DetectorSpec> inProcess) {
        this(kinds, inProcess, parts -> InProcess.NONE);
    }

    public TargetKinds(Collection<? extends TargetKind> kinds, List<DetectorSpec> inProcess,
                       Function<DemoRunner.DemoParts, InProcess> demoInProcess) {
        kinds.forEach(k -> this.kinds.put(k.name(), k));
        this.inProcess = List.copyOf(inProcess);
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
     * The spec of every detector on the classpath: the target kinds' and the in-process ones (JVM detectors
     * that run inside an application, listed for completeness).
     */
    public List<DetectorSpec> specs() {
        List<DetectorSpec> all = new ArrayList<>();
        kinds.values().forEach(k -> all.addAll(k.specs()));
        all.addAll(inProcess);
        return all;
    }

    /** Specs of the detectors that run inside an application, not against a target. */
    public List<DetectorSpec> inProcessSpecs() {
        return inProcess;
    }

    /** Builds the demo's in-process detectors and the scenarios that need them. */
    public Function<DemoRunner.DemoParts, InProcess> demoInProcess() {
        return demoInProcess;
    }
}
