package dev.telltale.cli.internal.demo;

import dev.telltale.core.Detector;

import java.util.List;

/** The in-process (JVM) detectors of the demo and the scenarios that need them; empty when the build has none. */
public interface InProcess extends AutoCloseable {
    List<Detector> detectors();

    List<Scenario> scenarios();

    @Override
    default void close() {
    }

    InProcess NONE = new InProcess() {
        public List<Detector> detectors() {
            return List.of();
        }

        public List<Scenario> scenarios() {
            return List.of();
        }
    };
}
