package dev.telltale.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/** What a detector gets for one run: its resolved settings, the clock, the deadline and the mode. */
public final class DetectionContext {
    private final Detector detector;
    private final DetectorSettings settings;
    private final Clock clock;
    private final long deadlineNanos;
    private final boolean oneShot;
    private final boolean baselinePass;
    private final Progress progress;
    private final LongAdder queuedNanos = new LongAdder();

    public DetectionContext(Detector detector, DetectorSettings settings, Clock clock, Duration timeout,
                            boolean oneShot, boolean baselinePass) {
        this(detector, settings, clock, timeout, oneShot, baselinePass, Progress.NONE);
    }

    public DetectionContext(Detector detector, DetectorSettings settings, Clock clock, Duration timeout,
                            boolean oneShot, boolean baselinePass, Progress progress) {
        this.detector = Objects.requireNonNull(detector, "detector");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.oneShot = oneShot;
        this.baselinePass = baselinePass;
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    public <T> T setting(Setting<T> setting) {
        return settings.get(setting);
    }

    public DetectorSettings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Time left before the engine gives up on this run; scans use it as their budget. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /**
     * Reports time this run spent waiting for something that is not its own work: its target's connection, held by
     * another detection. The engine counts it as the run's queue time, not its duration.
     */
    public void queued(Duration waited) {
        if (!waited.isNegative()) {
            queuedNanos.add(waited.toNanos());
        }
    }

    /** The queue time reported so far ({@link #queued(Duration)}). */
    public Duration queued() {
        return Duration.ofNanos(queuedNanos.sum());
    }

    /** True for a one-shot report ({@code telltale check}), false under the scheduler. */
    public boolean oneShot() {
        return oneShot;
    }

    /**
     * True for the first of the two samples a one-shot report takes of a delta detector ({@link DetectorSpec#delta()}):
     * the detector takes its snapshot, reading only what its delta needs, since only the second run is reported.
     * Other detectors run once in a report, never with this set.
     */
    public boolean baselinePass() {
        return baselinePass;
    }

    /** Tells whoever waits for this run how far it has got (see {@link Progress}). */
    public void progress(long done, long total, String unit) {
        progress.update(detector.id(), detector.target(), done, total, unit);
    }

    /** A finding builder prefilled with this detector's id and target. */
    public Finding.Builder finding(Problem problem, Severity severity, String subject) {
        return Finding.builder(detector.id(), detector.target(), problem, severity, subject);
    }
}
