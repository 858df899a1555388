package dev.telltale.core;

import dev.telltale.core.internal.AlertTracker;
import dev.telltale.core.internal.EngineMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs detectors, either on a schedule ({@link #start()}) or once for a report ({@link #runOnce(Duration)}),
 * turns their findings into alerts and publishes everything as meters ({@link #bindTo(MeterRegistry)}).
 *
 * <p>Scheduled mode: each detector runs on its own interval with a fixed delay and a little jitter, on
 * daemon threads, never overlapping itself, under a deadline. A detector that throws, hangs or is skipped
 * affects only its own runs.
 */
public final class DetectorEngine implements MeterBinder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DetectorEngine.class);

    private final List<Slot> slots;
    private final Clock clock;
    private final double jitter;
    private final List<AlertListener> listeners;
    private final AlertTracker tracker = new AlertTracker();
    private final EngineMetrics metrics = new EngineMetrics();
    private final ExecutorService workers;
    private final ScheduledThreadPoolExecutor scheduler;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;

    /** One detector with its resolved settings and what the engine remembers of it between runs. */
    private static final class Slot {
        final Detector detector;
        final DetectorSettings settings;
        final AtomicBoolean inFlight = new AtomicBoolean();
        Set<Object> publishedSignals = Set.of();
        volatile RunRecord lastRun;

        Slot(Detector detector, DetectorSettings settings) {
            this.detector = detector;
            this.settings = settings;
        }

        String id() {
            return detector.id();
        }

        String target() {
            return detector.target();
        }
    }

    /** What a finished run produced: an outcome, and a detection when the outcome is ok. */
    private record Result(Outcome outcome, Optional<Detection> detection, Instant startedAt, Duration duration) {
    }

    private DetectorEngine(Builder b, Map<Detector, DetectorSettings> resolved) {
        this.clock = b.clock;
        this.jitter = b.jitter;
        this.listeners = List.copyOf(b.listeners);
        List<Slot> list = new ArrayList<>();
        resolved.forEach((d, s) -> list.add(new Slot(d, s)));
        this.slots = List.copyOf(list);
        this.workers = Executors.newCachedThreadPool(daemonThreads("telltale-detector-"));
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("telltale-scheduler-"));
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Registers the engine's meters, now and as they appear, in {@code registry}. May be called for several registries. */
    @Override
    public void bindTo(MeterRegistry registry) {
        metrics.bindTo(registry);
    }

    /** Starts scheduled mode. Not combinable with {@link #runOnce}. */
    public void start() {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("engine already started");
        }
        for (Slot s : slots) {
            if (s.settings.enabled()) {
                long firstDelay = (long) (s.settings.interval().toNanos() * jitter * ThreadLocalRandom.current().nextDouble());
                scheduler.schedule(() -> launch(s), firstDelay, TimeUnit.NANOSECONDS);
            }
        }
        log.info("telltale engine started with {} detectors", slots.stream().filter(s -> s.settings.enabled()).count());
    }

    /**
     * Runs every enabled detector twice, {@code window} apart, so that delta-based detectors see a change,
     * and reports the findings of the second pass. Ignores {@code for} durations: a report shows what is
     * wrong now. Blocks for about {@code window} plus the slowest run.
     */
    public Report runOnce(Duration window) throws InterruptedException {
        if (window.isNegative()) {
            throw new IllegalArgumentException("window must not be negative, was " + window);
        }
        if (started.get()) {
            throw new IllegalStateException("runOnce cannot be mixed with scheduled mode on one engine");
        }
        Instant startedAt = clock.instant();
        Map<Slot, Result> first = runPass(true);
        if (!window.isZero()) {
            Thread.sleep(window.toMillis());
        }
        Map<Slot, Result> second = runPass(false);
        List<Finding> findings = new ArrayList<>();
        List<RunRecord> runs = new ArrayList<>();
        second.forEach((slot, r) -> {
            if (r.outcome() == STILL_RUNNING && first.containsKey(slot)) {
                r = first.get(slot); // the baseline run that hung is the news, not the skip it caused
            }
            runs.add(record(slot, r));
            r.detection().ifPresent(d -> findings.addAll(d.findings()));
        });
        return new Report(startedAt, window, findings, runs);
    }

    private Map<Slot, Result> runPass(boolean baseline) throws InterruptedException {
        Map<Slot, Future<Result>> futures = new LinkedHashMap<>();
        Map<Slot, Long> deadlines = new HashMap<>();
        for (Slot s : slots) {
            if (!s.settings.enabled()) {
                continue;
            }
            if (!s.inFlight.compareAndSet(false, true)) {
                futures.put(s, java.util.concurrent.CompletableFuture.completedFuture(stillRunning()));
                continue;
            }
            deadlines.put(s, System.nanoTime() + s.settings.timeout().toNanos());
            futures.put(s, workers.submit(() -> invoke(s, true, baseline)));
        }
        Map<Slot, Result> results = new LinkedHashMap<>();
        for (Map.Entry<Slot, Future<Result>> e : futures.entrySet()) {
            Slot s = e.getKey();
            Result r;
            try {
                long left = deadlines.getOrDefault(s, System.nanoTime()) - System.nanoTime();
                r = e.getValue().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException t) {
                e.getValue().cancel(true);
                r = new Result(new Outcome.TimedOut(s.settings.timeout()), Optional.empty(), clock.instant(), s.settings.timeout());
            } catch (ExecutionException | CancellationException t) {
                r = new Result(Outcome.failed(t.getCause() == null ? t : t.getCause()), Optional.empty(), clock.instant(), Duration.ZERO);
            }
            finish(s, r, false);
            results.put(s, r);
        }
        return results;
    }

    private static final Outcome STILL_RUNNING = new Outcome.Skipped("the previous run is still going past its deadline");

    private Result stillRunning() {
        return new Result(STILL_RUNNING, Optional.empty(), clock.instant(), Duration.ZERO);
    }

    private void launch(Slot s) {
        if (closed) {
            return;
        }
        if (!s.inFlight.compareAndSet(false, true)) {
            finish(s, stillRunning(), true);
            scheduleNext(s);
            return;
        }
        AtomicBoolean settled = new AtomicBoolean();
        Future<?>[] work = new Future<?>[1];
        ScheduledFuture<?> timeout = scheduler.schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                Future<?> w = work[0];
                if (w != null) {
                    w.cancel(true);
                }
                finish(s, new Result(new Outcome.TimedOut(s.settings.timeout()), Optional.empty(), clock.instant(),
                        s.settings.timeout()), true);
                scheduleNext(s);
            }
        }, s.settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            work[0] = workers.submit(() -> {
                Result r = invoke(s, false, false);
                if (settled.compareAndSet(false, true)) {
                    timeout.cancel(false);
                    finish(s, r, true);
                    scheduleNext(s);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            s.inFlight.set(false);
            timeout.cancel(false);
        }
    }

    private void scheduleNext(Slot s) {
        if (closed) {
            return;
        }
        long interval = s.settings.interval().toNanos();
        long delay = interval + (long) (interval * jitter * ThreadLocalRandom.current().nextDouble());
        try {
            scheduler.schedule(() -> launch(s), delay, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** Calls the detector and turns whatever happens into a result. Releases the slot when the call returns. */
    private Result invoke(Slot s, boolean oneShot, boolean baseline) {
        Instant startedAt = clock.instant();
        long t0 = System.nanoTime();
        Outcome outcome;
        Optional<Detection> detection = Optional.empty();
        try {
            DetectionContext ctx = new DetectionContext(s.detector, s.settings, clock, s.settings.timeout(), oneShot, baseline);
            Detection d = Objects.requireNonNull(s.detector.detect(ctx), "detect() returned null");
            if (d.isSkipped()) {
                outcome = new Outcome.Skipped(d.skipReason().orElseThrow());
            } else {
                outcome = Outcome.OK;
                detection = Optional.of(d);
            }
        } catch (DetectionSkippedException e) {
            outcome = new Outcome.Skipped(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = Outcome.failed(e);
        } catch (Throwable e) {
            outcome = Outcome.failed(e);
        } finally {
            s.inFlight.set(false);
        }
        return new Result(outcome, detection, startedAt, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Records a run: its meters, its signals and, in scheduled mode, its alerts. */
    private void finish(Slot s, Result r, boolean scheduled) {
        if (r.detection().isPresent()) {
            try {
                metrics.checkSignals(r.detection().get().signals());
            } catch (IllegalStateException e) {
                r = new Result(Outcome.failed(e), Optional.empty(), r.startedAt(), r.duration());
            }
        }
        RunRecord previous = s.lastRun;
        RunRecord run = record(s, r);
        s.lastRun = run;
        metrics.recordRun(s.id(), s.target(), r.outcome().kind(), r.duration());
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

    private RunRecord record(Slot s, Result r) {
        return new RunRecord(s.id(), s.target(), r.outcome(), r.startedAt(), r.duration());
    }

    private static void logOutcomeChange(RunRecord previous, RunRecord run) {
        String kind = run.outcome().kind();
        if (previous != null && previous.outcome().kind().equals(kind)) {
            return;
        }
        if (run.outcome() instanceof Outcome.Failed f) {
            log.warn("detector {} on {} failed: {}", run.detector(), run.target(), f.reason(), f.cause());
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
                log.error("alert listener {} threw; ignored", l.getClass().getName(), e);
            }
        }
    }

    /** Pending and firing alerts of scheduled mode. */
    public List<Alert> activeAlerts() {
        return tracker.active();
    }

    /** The latest run of every detector that has run. */
    public List<RunRecord> lastRuns() {
        return slots.stream().map(s -> s.lastRun).filter(Objects::nonNull).toList();
    }

    public List<Detector> detectors() {
        return slots.stream().map(s -> s.detector).toList();
    }

    /** The resolved settings of a detector this engine runs. */
    public DetectorSettings settingsOf(Detector detector) {
        return slots.stream().filter(s -> s.detector == detector).findFirst()
                .map(s -> s.settings)
                .orElseThrow(() -> new IllegalArgumentException("detector " + detector.id() + " is not in this engine"));
    }

    /** Stops scheduling; runs in progress are interrupted. Firing alerts are not resolved: nothing was seen to end. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        workers.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Collects detectors, settings, listeners and the clock; {@link #build()} validates every setting. */
    public static final class Builder {
        private final List<Detector> detectors = new ArrayList<>();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<AlertListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private double jitter = 0.1;

        private Builder() {
        }

        public Builder detector(Detector detector) {
            detectors.add(Objects.requireNonNull(detector, "detector"));
            return this;
        }

        public Builder detectors(Collection<? extends Detector> detectors) {
            detectors.forEach(this::detector);
            return this;
        }

        /** Overrides one setting by its full key, for example {@code postgres.lock-waits.warning} = {@code 30s}. */
        public Builder set(String key, String value) {
            settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value of " + key));
            return this;
        }

        /** Overrides one setting of a detector with a typed value. */
        public <T> Builder set(String detectorId, Setting<T> setting, T value) {
            return set(detectorId + "." + setting.name(), setting.type().format(value));
        }

        /** Overrides settings from a flat key map, as read from {@code telltale.yaml} or {@code --set}. */
        public Builder settings(Map<String, String> flat) {
            flat.forEach(this::set);
            return this;
        }

        public Builder listener(AlertListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The clock of the alert state machine and of {@link DetectionContext#now()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Extra random delay, as a share of the interval, added to each run so detectors do not align. */
        public Builder jitter(double share) {
            if (!(share >= 0 && share <= 1)) {
                throw new SettingException("jitter", "setting 'jitter': '" + share + "' is outside 0..1");
            }
            this.jitter = share;
            return this;
        }

        /**
         * @throws SettingException naming the key and the value, for an unknown key or a bad value
         * @throws IllegalArgumentException when two detectors share an id and a target
         */
        public DetectorEngine build() {
            Map<String, List<Detector>> byId = new LinkedHashMap<>();
            Set<String> seen = new java.util.HashSet<>();
            for (Detector d : detectors) {
                if (!seen.add(d.id() + "\u0000" + d.target())) {
                    throw new IllegalArgumentException("two detectors with id " + d.id() + " on target " + d.target());
                }
                byId.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(d);
            }
            Map<String, Map<String, String>> perDetector = new HashMap<>();
            for (Map.Entry<String, String> e : settings.entrySet()) {
                String id = owner(e.getKey(), byId.keySet());
                perDetector.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(e.getKey().substring(id.length() + 1), e.getValue());
            }
            Map<Detector, DetectorSettings> resolved = new LinkedHashMap<>();
            for (Detector d : detectors) {
                resolved.put(d, DetectorSettings.resolve(d, perDetector.getOrDefault(d.id(), Map.of())));
            }
            return new DetectorEngine(this, resolved);
        }

        private static String owner(String key, Set<String> ids) {
            return ids.stream()
                    .filter(id -> key.startsWith(id + ".") && key.length() > id.length() + 1)
                    .max(Comparator.comparingInt(String::length))
                    .orElseThrow(() -> new SettingException(key, "unknown setting '" + key + "': no detector "
                            + guessId(key) + " here" + (ids.isEmpty() ? "" : "; detectors: " + String.join(", ", new TreeSet<>(ids)))));
        }

        private static String guessId(String key) {
            int last = key.lastIndexOf('.');
            return last > 0 ? "'" + key.substring(0, last) + "'" : "matches it";
        }
    }
}
