package dev.telltale.core;

import dev.telltale.core.internal.AlertTracker;
import dev.telltale.core.internal.EngineMetrics;
import dev.telltale.core.internal.OneShotRun;
import dev.telltale.core.internal.Runner;
import dev.telltale.core.internal.Scheduler;
import dev.telltale.core.internal.SettingsResolution;
import dev.telltale.core.internal.Slot;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs detectors, either on a schedule ({@link #start()}) or once for a report ({@link #runOnce(Duration)}),
 * turns their findings into alerts and publishes everything as meters ({@link #bindTo(MeterRegistry)}).
 *
 * <p>Scheduled mode: each detector runs on its own interval with a fixed delay and a little jitter, on
 * daemon threads, never overlapping itself, under a deadline. A detector that throws, hangs or is skipped
 * affects only its own runs. Settings are resolved and validated when the engine is built.
 */
public final class DetectorEngine implements MeterBinder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DetectorEngine.class);
    /** Threads that run detections in scheduled mode unless {@link Builder#workers(int)} says otherwise. */
    public static final int DEFAULT_WORKERS = 8;

    private final List<Slot> slots;
    private final AlertTracker tracker = new AlertTracker();
    private final EngineMetrics metrics = new EngineMetrics();
    private final ExecutorService workers;
    private final ThreadPoolExecutor scheduledWorkers;
    private final ScheduledThreadPoolExecutor timer;
    private final Scheduler scheduler;
    private final OneShotRun oneShot;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;

    private DetectorEngine(Builder b, Map<Detector, DetectorSettings> resolved) {
        List<Slot> list = new ArrayList<>();
        resolved.forEach((d, s) -> list.add(new Slot(d, s)));
        this.slots = List.copyOf(list);
        this.workers = Executors.newCachedThreadPool(daemonThreads("telltale-detector-"));
        // scheduled mode: a bounded pool, whatever the number of targets (each target's runs wait in its own lane);
        // threads are made on demand and end when idle
        this.scheduledWorkers = new ThreadPoolExecutor(b.workers, b.workers, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("telltale-worker-"));
        this.scheduledWorkers.allowCoreThreadTimeOut(true);
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("telltale-scheduler-"));
        this.timer.setRemoveOnCancelPolicy(true);
        Runner runner = new Runner(b.clock, b.listeners, tracker, metrics, b.progress);
        this.scheduler = new Scheduler(runner, scheduledWorkers, timer, b.jitter);
        this.oneShot = new OneShotRun(runner, workers);
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
        scheduler.start(slots);
        log.info("telltale engine started with {} detectors", slots.stream().filter(s -> s.settings.enabled()).count());
    }

    /**
     * Runs every enabled detector once and reports the findings. A delta detector ({@link DetectorSpec#delta()}) is
     * sampled twice, {@code window} apart, and its second run reported; with a zero window there is one pass, in
     * which a detector whose every verdict needs two samples is reported {@code not-judged} without running and one
     * that judges part of its subject from one sample notes what it did not judge. On an engine that reports again
     * (watch), a delta detector is judged on the change since the previous report. A finding seen by both samples
     * was seen for the time between them; see {@link Report#pending}. Blocks for about {@code window} plus the
     * slowest runs.
     */
    public Report runOnce(Duration window) throws InterruptedException {
        if (window.isNegative()) {
            throw new IllegalArgumentException("window must not be negative, was " + window);
        }
        if (started.get()) {
            throw new IllegalStateException("runOnce cannot be mixed with scheduled mode on one engine");
        }
        return oneShot.run(slots, window);
    }

    /** Pending and firing alerts of scheduled mode. */
    public List<Alert> activeAlerts() {
        return tracker.active();
    }

    /** The latest run of every detector that has run. */
    public List<RunRecord> lastRuns() {
        return slots.stream().map(Slot::lastRun).filter(Objects::nonNull).toList();
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
        scheduler.close();
        timer.shutdownNow();
        workers.shutdownNow();
        scheduledWorkers.shutdownNow();
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
        private int workers = DEFAULT_WORKERS;
        private Progress progress = Progress.NONE;

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

        /**
         * Overrides one setting by its full key, for example {@code postgres.lock-waits.warning} = {@code 30s}
         * for every target, or {@code postgres.lock-waits.warning@orders-db} for one target only.
         */
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

        /** Hears how far long runs have got (a one-shot check's key scans). */
        public Builder progress(Progress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
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
         * How many threads run detections in scheduled mode, for any number of targets (default
         * {@value DetectorEngine#DEFAULT_WORKERS}). A target's runs take one at a time; more threads only help when
         * more targets than that are slow at once.
         */
        public Builder workers(int threads) {
            if (threads < 1 || threads > 256) {
                throw new SettingException("workers", "setting 'workers': '" + threads + "' is outside 1..256");
            }
            this.workers = threads;
            return this;
        }

        /**
         * Resolves and validates every setting (ranges, the rules between settings, per-target keys) and
         * hands each detector its settings ({@link Detector#configure}) before any run.
         *
         * @throws SettingException naming the key and the value, for an unknown key or target or a bad value
         * @throws IllegalArgumentException when two detectors share an id and a target
         */
        public DetectorEngine build() {
            Map<Detector, DetectorSettings> resolved = SettingsResolution.resolve(detectors, settings);
            resolved.forEach(Detector::configure);
            return new DetectorEngine(this, resolved);
        }
    }
}
