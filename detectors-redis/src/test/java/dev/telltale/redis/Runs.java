package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import dev.telltale.core.Signal;
import dev.telltale.testkit.DetectorHarness;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs a detector directly, the way the engine does in scheduled mode. */
final class Runs {
    private Runs() {
    }

    static Detector detector(RedisTarget target, String id) {
        return RedisDetectors.forTarget(target).stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    static Detection run(Detector d, Map<String, String> settings) throws Exception {
        return DetectorHarness.of(d).set("timeout", "20s").settings(settings).run();
    }

    static Detection run(Detector d) throws Exception {
        return run(d, Map.of());
    }

    static List<Finding> above(Detection d, Severity s) {
        return d.findings().stream().filter(f -> f.severity().isAtLeast(s)).toList();
    }

    static Optional<Finding> finding(Detection d, String subjectPart) {
        return d.findings().stream().filter(f -> f.subject().contains(subjectPart)).findFirst();
    }

    static Optional<Double> signal(Detection d, String name, String... tagValues) {
        return d.signals().stream().filter(s -> s.spec().name().equals(name))
                .filter(s -> s.tagValues().subList(0, tagValues.length).equals(List.of(tagValues)))
                .map(Signal::value).findFirst();
    }
}
