package dev.telltale.postgres.support;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Signal;
import dev.telltale.testkit.DetectorHarness;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs a detector once, the way the engine would, with settings given as short names. */
public final class Runs {
    private Runs() {
    }

    public static Detection detect(Detector d, Map<String, String> settings) throws Exception {
        return DetectorHarness.of(d).set("timeout", "20s").settings(settings).run();
    }

    public static Optional<Double> signal(Detection d, String name, String... tags) {
        return d.signals().stream().filter(s -> s.spec().name().equals(name) && s.tagValues().equals(List.of(tags)))
                .map(Signal::value).findFirst();
    }

    public static List<Finding> above(Detection d, dev.telltale.core.Severity min) {
        return d.findings().stream().filter(f -> f.severity().isAtLeast(min)).toList();
    }
}
