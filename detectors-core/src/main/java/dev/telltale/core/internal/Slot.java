package dev.telltale.core.internal;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.RunRecord;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/** One detector with its resolved settings and what the engine remembers of it between runs. */
public final class Slot {
    public final Detector detector;
    public final DetectorSettings settings;
    /** Set while a run is under way; a detector never runs twice at once. */
    public final AtomicBoolean inFlight = new AtomicBoolean();
    Set<Object> publishedSignals = Set.of();
    volatile RunRecord lastRun;
    /** Runs in a row that failed or timed out: how soon the next one comes ({@link RetryBackoff}). */
    volatile int consecutiveFailures;

    public Slot(Detector detector, DetectorSettings settings) {
        this.detector = detector;
        this.settings = settings;
    }

    public String id() {
        return detector.id();
    }

    public String target() {
        return detector.target();
    }

    public RunRecord lastRun() {
        return lastRun;
    }
}
