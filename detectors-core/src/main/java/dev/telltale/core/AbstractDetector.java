package dev.telltale.core;

import java.util.Objects;

/**
 * The identity every detector instance has: the spec its class declares and the name of the target it
 * reports on. The base classes of the detector modules extend it and add how they reach what they watch.
 */
public abstract class AbstractDetector implements Detector {
    private final DetectorSpec spec;
    private final String target;

    protected AbstractDetector(DetectorSpec spec, String target) {
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
}
