package dev.telltale.cli.internal;

import dev.telltale.cli.internal.demo.JvmDemo;
import dev.telltale.jvm.TelltaleJvm;

import java.util.List;

/** Wires the detector modules packaged in telltale.jar. */
final class BuiltInKinds {
    private BuiltInKinds() {
    }

    static TargetKinds create() {
        // in-process detectors run inside an application; they are here for 'list', the rules and the demo
        return new TargetKinds(List.of(new PostgresKind()), TelltaleJvm.builder().target("app").build().detectors(), JvmDemo::new);
    }
}
