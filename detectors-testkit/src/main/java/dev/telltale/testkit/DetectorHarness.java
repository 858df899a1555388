package dev.telltale.testkit;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Runs one detector by hand, through the checks the engine applies: its settings are resolved and
 * validated against its spec (ranges, rules) and handed to {@link Detector#configure} before the first
 * run, and every run's signals and findings must match the spec. Failures propagate as the detector threw
 * them, so a test sees the real exception.
 *
 * <pre>{@code
 * DetectorHarness lockWaits = DetectorHarness.of(new LockWaitsDetector(target)).set("warning", "1s");
 * Detection d = lockWaits.run();
 * }</pre>
 */
public final class DetectorHarness {
    private final Detector detector;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private DetectorSettings resolved;

    private DetectorHarness(Detector detector) {
        this.detector = Objects.requireNonNull(detector, "detector");
    }

    public static DetectorHarness of(Detector detector) {
        return new DetectorHarness(detector);
    }

    /** Overrides one setting by its name relative to the detector ({@code warning}); only before the first run. */
    public DetectorHarness set(String name, String value) {
        requireNotStarted();
        settings.put(name, value);
        return this;
    }

    /** Overrides settings by their names relative to the detector; only before the first run. */
    public DetectorHarness settings(Map<String, String> overrides) {
        overrides.forEach(this::set);
        return this;
    }

    /** The clock of {@link DetectionContext#now()}; a {@link TestClock} moves time by hand. */
    public DetectorHarness clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** One run as the scheduler makes it. */
    public Detection run() throws Exception {
        return run(false, false);
    }

    /** The first (baseline) pass of a one-shot report: delta detectors take their snapshot. */
    public Detection baselinePass() throws Exception {
        return run(true, true);
    }

    /** The second (reported) pass of a one-shot report. */
    public Detection reportPass() throws Exception {
        return run(true, false);
    }

    /** The settings the detector runs with, resolved on first use. */
    public DetectorSettings resolvedSettings() {
        if (resolved == null) {
            resolved = DetectorSettings.resolve(detector, settings);
            detector.configure(resolved);
        }
        return resolved;
    }

    private Detection run(boolean oneShot, boolean baseline) throws Exception {
        DetectorSettings s = resolvedSettings();
        DetectionContext ctx = new DetectionContext(detector, s, clock, s.timeout(), oneShot, baseline);
        Detection d = Objects.requireNonNull(detector.detect(ctx), "detect() returned null");
        if (!d.isSkipped()) {
            detector.spec().checkSignals(d);
            detector.spec().checkFindings(d, detector.target());
        }
        return d;
    }

    private void requireNotStarted() {
        if (resolved != null) {
            throw new IllegalStateException("settings are fixed once the detector has run");
        }
    }
}
