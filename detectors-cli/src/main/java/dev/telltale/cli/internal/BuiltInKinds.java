package dev.telltale.cli.internal;

import dev.telltale.core.DetectorSpec;
import dev.telltale.jvm.TelltaleJvm;

import java.util.List;

/** Wires the detector modules packaged in telltale.jar. */
final class BuiltInKinds {
    private BuiltInKinds() {
    }

    static TargetKinds create() {
        return new TargetKinds(List.of(new PostgresKind(), new RedisKind(), new SentinelKind(), new PgBouncerKind()),
                inProcess());
    }

    /** The in-process detectors run inside an application (see detectors-jvm), never by the command line. */
    private static List<DetectorSpec> inProcess() {
        return TelltaleJvm.specs();
    }
}
