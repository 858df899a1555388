package dev.telltale.core.internal;

import dev.telltale.core.Alert;
import dev.telltale.core.AlertListener;
import dev.telltale.core.AlertState;
import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectionNotApplicableException;
import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.DetectionTimeoutException;
import dev.telltale.core.Outcome;
import dev.telltale.core.Progress;
import dev.telltale.core.RunRecord;
import dev.telltale.core.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs one detector once and records what happened: the outcome, its meters and signals and, in
 * scheduled mode, its alerts. Shared by the scheduler and the one-shot report, so both apply the same
 * checks (declared signals, one tag-key set per signal, findings of this detector only).
 */
public final class Runner {
    private static final Logger log = LoggerFactory.getLogger("dev.telltale.core.DetectorEngine");

    static final Outcome STILL_RUNNING = new Outcome.Skipped("the previous run is still going past its deadline");

    private final Clock clock;
    private final List<AlertListener> listeners;
    private final AlertTracker tracker;
    private final EngineMetrics metrics;
    private final Progress progress;

    public Runner(Clock clock, List<AlertListener> listeners, AlertTracker tracker, EngineMetrics metrics,
                  Progress progress) {
        this.progress = progress;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
        this.tracker = tracker;
        this.metrics = metrics;
    }

    Clock clock() {
        return clock;
    }

    RunResult stillRunning() {
        return new RunResult(STILL_RUNNING, Optional.empty(), clock.instant(), Duration.ZERO);
    }

    RunResult timedOut(Slot s) {
        return new RunResult(new Outcome.TimedOut(s.settings.timeout()), Optional.empty(), clock.instant(), s.settings.timeout());
    }

    /** Calls the detector and turns whatever happens into a result. Releases the slot when the call returns. */
    RunResult invoke(Slot s, boolean oneShot, boolean baseline) {
        return invoke(s, oneShot, baseline, Duration.ZERO);
    }

    /**
     * {@link #invoke(Slot, boolean, boolean)} for a run that already waited {@code queuedBefore} for a worker: the
     * result's duration leaves out that and whatever the detector reports waiting for inside the run
     * ({@link DetectionContext#queued(Duration)}); both are its queue time.
     */
    RunResult invoke(Slot s, boolean oneShot, boolean baseline, Duration queuedBefore) {
        Instant startedAt = clock.instant();
        long t0 = System.nanoTime();
        Outcome outcome;
        Optional<Detection> detection = Optional.empty();
        DetectionContext ctx = new DetectionContext(s.detector, s.settings, clock, s.settings.timeout(), oneShot, baseline,
                progress);
        try {
            Detection d = Objects.requireNonNull(s.detector.detect(ctx), "detect() returned null");
            if (d.isSkipped()) {
                outcome = new Outcome.Skipped(d.skipReason().orElseThrow());
            } else {
                s.detector.spec().checkSignals(d);
                s.detector.spec().checkFindings(d, s.target());
                outcome = Outcome.OK;
                detection = Optional.of(d);
            }
        } catch (DetectionSkippedException e) {
            outcome = new Outcome.Skipped(e.getMessage());
        } catch (DetectionNotApplicableException e) {
            outcome = new Outcome.NotApplicable(e.getMessage());
        } catch (DetectionTimeoutException e) {
            // the detector's own work missed the deadline: the same verdict as a run cut off from outside
            log.debug("{} on {} timed out: {}", s.id(), s.target(), e.getMessage());
            outcome = new Outcome.TimedOut(s.settings.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = Outcome.failed(e);
        } catch (Throwable e) {
            outcome = Outcome.failed(e);
        } finally {
            s.inFlight.set(false);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        Duration inside = ctx.queued().compareTo(elapsed) > 0 ? elapsed : ctx.queued();
        return new RunResult(outcome, detection, startedAt, elapsed.minus(inside), queuedBefore.plus(inside));
    }

    /** Records a run: its meters, its signals and, when {@code scheduled}, its alerts. */
    void finish(Slot s, RunResult r, boolean scheduled) {
        if (r.detection().isPresent()) {
            try {
                metrics.checkSignals(r.detection().get().signals());
            } catch (IllegalStateException e) {
                r = new RunResult(Outcome.failed(e), Optional.empty(), r.startedAt(), r.duration(), r.queued());
            }
        }
        RunRecord previous = s.lastRun;
        RunRecord run = record(s, r);
        s.lastRun = run;
        metrics.recordRun(s.id(), s.target(), r.outcome().kind(), r.duration());
        metrics.recordQueued(s.target(), r.queued());
        logOutcomeChange(previous, run);
        List<Signal> signals = r.detection().map(Detection::signals).orElse(List.of());
        List<AlertTracker.Transition> transitions = List.of();
        synchronized (s) {
            s.publishedSignals = metrics.publishSignals(s.target(), signals, s.publishedSignals);
            if (scheduled && r.detection().isPresent()) {
                transitions = tracker.update(s.id(), s.target(), r.detection().get().findings(), clock.instant());
            }
        }
        for (AlertTracker.Transition t : transitions) {
            metrics.recordTransition(t);
            notifyListeners(t.alert());
        }
    }

    static RunRecord record(Slot s, RunResult r) {
        return r.detection().map(d -> new RunRecord(s.id(), s.target(), r.outcome(), r.startedAt(), r.duration(),
                        d.coverage(), d.truncated(), d.notes(), d.signals(), r.queued()))
                .orElseGet(() -> new RunRecord(s.id(), s.target(), r.outcome(), r.startedAt(), r.duration(),
                        Optional.empty(), 0, List.of(), List.of(), r.queued()));
    }

    private static void logOutcomeChange(RunRecord previous, RunRecord run) {
        String kind = run.outcome().kind();
        if (previous != null && previous.outcome().kind().equals(kind)) {
            return;
        }
        if (run.outcome() instanceof Outcome.NotApplicable) {
            // by design (a standalone server has no cluster to check): not worth a warning on every start
            log.debug("detector {} on {} does not apply: {}", run.detector(), run.target(), run.outcome().reason());
        } else if (run.outcome() instanceof Outcome.Failed f) {
            // the reason names the exception and its message; the stack trace is for whoever turns debug on, so that
            // an expected failure (a server going away, a test of one) is one line in the log, not forty
            log.warn("detector {} on {} failed: {}", run.detector(), run.target(), f.reason());
            log.debug("detector {} on {} failed", run.detector(), run.target(), f.cause());
        } else if (!(run.outcome() instanceof Outcome.Ok)) {
            log.warn("detector {} on {} {}: {}", run.detector(), run.target(), kind, run.outcome().reason());
        } else if (previous != null) {
            log.info("detector {} on {} is ok again", run.detector(), run.target());
        }
    }

    private void notifyListeners(Alert alert) {
        for (AlertListener l : listeners) {
            try {
                if (alert.state() == AlertState.FIRING) {
                    l.onFiring(alert);
                } else if (alert.state() == AlertState.RESOLVED) {
                    l.onResolved(alert);
                }
            } catch (RuntimeException e) {
                log.error("alert listener {} threw {}; ignored", l.getClass().getName(), e.toString());
                log.debug("alert listener {} threw", l.getClass().getName(), e);
            }
        }
    }
}
