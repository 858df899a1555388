package dev.telltale.cli.internal;

import java.util.List;

/** Wires the detector modules packaged in telltale.jar. */
final class BuiltInKinds {
    private BuiltInKinds() {
    }

    static TargetKinds create() {
        return new TargetKinds(List.of(), List.of());
    }
}
