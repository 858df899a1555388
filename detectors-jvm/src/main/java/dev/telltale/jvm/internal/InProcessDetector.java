package dev.telltale.jvm.internal;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;

import java.util.List;
import java.util.Objects;

/**
 * The identity every in-process detector shares: the spec its class declares and the target it reports
 * on. Subclasses add only what they watch and how they judge it.
 */
public abstract class InProcessDetector implements Detector {
    private final DetectorSpec spec;
    private final String target;

    protected InProcessDetector(DetectorSpec spec, String target) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public final DetectorSpec spec() {
        return spec;
    }

    @Override
    public final String target() {
        return target;
    }

    /**
     * The sources a detector reads (trackers, key counters), refused when there are none: such a detector
     * could never report anything.
     */
    @SafeVarargs
    protected static <T> List<T> atLeastOne(DetectorSpec spec, String what, T... sources) {
        if (sources.length == 0) {
            throw new IllegalArgumentException(spec.id() + " needs at least one " + what);
        }
        return List.of(sources);
    }
}
