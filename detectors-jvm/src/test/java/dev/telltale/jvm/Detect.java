package dev.telltale.jvm;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import dev.telltale.core.Signal;
import dev.telltale.testkit.DetectorHarness;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs a detector once, as the engine would (settings handed over, then one run), and reads what it saw. */
final class Detect {
    private Detect() {
    }

    static Detection run(Detector d, Map<String, String> settings, Clock clock) {
        try {
            return DetectorHarness.of(d).settings(settings).clock(clock).run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Detection run(Detector d, Map<String, String> settings) {
        return run(d, settings, Clock.systemUTC());
    }

    /** Hands the settings over as the engine does when it is built, without running the detector. */
    static void configure(Detector d, Map<String, String> settings) throws Exception {
        DetectorHarness.of(d).settings(settings).resolvedSettings();
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
