package dev.telltale.jvm;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import dev.telltale.core.Signal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs a detector once, as the engine would, and reads what it saw. */
final class Detect {
    private Detect() {
    }

    static Detection run(Detector d, Map<String, String> settings, Clock clock) {
        try {
            return d.detect(new DetectionContext(d, DetectorSettings.resolve(d, settings), clock, Duration.ofSeconds(10), false, false));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Detection run(Detector d, Map<String, String> settings) {
        return run(d, settings, Clock.systemUTC());
    }

    static Optional<Finding> finding(Detection d, String subjectPart) {
        return d.findings().stream().filter(f -> f.subject().contains(subjectPart)).findFirst();
    }

    static List<Finding> aboveInfo(Detection d) {
        return d.findings().stream().filter(f -> f.severity().isAtLeast(Severity.WARNING)).toList();
    }

    static double signal(Detection d, String name, String... tags) {
        return d.signals().stream()
                .filter(s -> s.spec().name().equals(name) && s.tagValues().equals(List.of(tags)))
                .mapToDouble(Signal::value).findFirst()
                .orElseThrow(() -> new AssertionError("no signal " + name + " " + List.of(tags) + " in " + d.signals()));
    }
}
