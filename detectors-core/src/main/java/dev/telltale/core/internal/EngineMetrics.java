package dev.telltale.core.internal;

import dev.telltale.core.Alert;
import dev.telltale.core.AlertState;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import dev.telltale.core.Signal;
import dev.telltale.core.SignalSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's meters, registered into every bound registry. Signal gauges a run no longer reports are
 * removed, and finding gauges fall to zero when their findings resolve: nothing is left stale.
 */
public final class EngineMetrics {
    public static final String FINDINGS_ACTIVE = "telltale.findings.active";
    public static final String TRANSITIONS = "telltale.finding.transitions";
    public static final String RUNS = "telltale.detector.runs";
    public static final String QUEUED = "telltale.detector.queued";

    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final Map<Tags, AtomicInteger> firing = new ConcurrentHashMap<>();
    private final Map<SignalKey, SignalGauge> signals = new ConcurrentHashMap<>();
    private final Map<String, List<String>> tagKeysByName = new ConcurrentHashMap<>();

    private record SignalKey(String meterName, Tags tags) {
    }

    /** The latest value of one signal series and the gauges showing it. */
    private static final class SignalGauge {
        final SignalSpec spec;
        final Tags tags;
        volatile double value;
        final Map<MeterRegistry, Meter> meters = new ConcurrentHashMap<>();

        SignalGauge(SignalSpec spec, Tags tags) {
            this.spec = spec;
            this.tags = tags;
        }
    }

    public synchronized void bindTo(MeterRegistry registry) {
        if (registries.contains(registry)) {
            return;
        }
        registries.add(registry);
        firing.forEach((tags, count) -> registerFiringGauge(registry, tags, count));
        signals.values().forEach(g -> registerSignal(registry, g));
    }

    public void recordRun(String detector, String target, String outcome, Duration duration) {
        for (MeterRegistry r : registries) {
            Timer.builder(RUNS)
                    .description("Runs of each detector by outcome: ok, error, timeout, skipped or not-applicable")
                    .tags("detector", detector, "target", target, "outcome", outcome)
                    .register(r)
                    .record(duration.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Time a run of {@code target} waited, before and during the run, for a worker or the target's connection; by
     * target only, so that a fleet's series grow with its targets, not with targets times detectors.
     */
    public void recordQueued(String target, Duration queued) {
        for (MeterRegistry r : registries) {
            Timer.builder(QUEUED)
                    .description("Time detector runs of a target waited for a worker or for the target's connection, apart from their duration")
                    .tags("target", target)
                    .register(r)
                    .record(queued.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    public void recordTransition(AlertTracker.Transition transition) {
        Alert alert = transition.alert();
        Finding f = alert.finding();
        for (MeterRegistry r : registries) {
            Counter.builder(TRANSITIONS)
                    .description("Alert transitions: pending, firing, resolved")
                    .baseUnit("transitions")
                    .tags("detector", f.detector(), "severity", f.severity().label(), "state", alert.state().label())
                    .register(r)
                    .increment();
        }
        boolean wasFiring = transition.previousState().filter(s -> s == AlertState.FIRING).isPresent();
        if (alert.state() == AlertState.FIRING) {
            if (wasFiring) {
                transition.previousSeverity().ifPresent(s -> firingCount(f, s).decrementAndGet());
            }
            firingCount(f, f.severity()).incrementAndGet();
        } else if (alert.state() == AlertState.RESOLVED) {
            firingCount(f, f.severity()).decrementAndGet();
        }
    }

    private AtomicInteger firingCount(Finding f, Severity severity) {
        Tags tags = Tags.of("detector", f.detector(), "problem", f.problem().id(), "severity", severity.label(),
                "target", f.target());
        return firing.computeIfAbsent(tags, t -> {
            AtomicInteger count = new AtomicInteger();
            registries.forEach(r -> registerFiringGauge(r, t, count));
            return count;
        });
    }

    private static void registerFiringGauge(MeterRegistry registry, Tags tags, AtomicInteger count) {
        // No base unit: Prometheus registries would append it (telltale_findings_active_findings), and the
        // shipped alert rules and dashboard query telltale_findings_active.
        Gauge.builder(FINDINGS_ACTIVE, count, AtomicInteger::get)
                .description("Findings firing now")
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    /**
     * Publishes the signals of one run and removes the series that {@code previous} had and this run lacks.
     *
     * @return the keys published now, to pass as {@code previous} next time
     */
    public Set<Object> publishSignals(String target, List<Signal> run, Set<Object> previous) {
        Set<Object> now = new HashSet<>();
        for (Signal s : run) {
            List<Tag> tags = new ArrayList<>();
            tags.add(Tag.of("target", target));
            for (int i = 0; i < s.tagValues().size(); i++) {
                tags.add(Tag.of(s.spec().tagKeys().get(i), s.tagValues().get(i)));
            }
            SignalKey key = new SignalKey(s.spec().meterName(), Tags.of(tags));
            SignalGauge gauge = signals.computeIfAbsent(key, k -> {
                SignalGauge g = new SignalGauge(s.spec(), k.tags());
                registries.forEach(r -> registerSignal(r, g));
                return g;
            });
            gauge.value = s.value();
            now.add(key);
        }
        for (Object stale : previous) {
            if (!now.contains(stale)) {
                SignalGauge g = signals.remove(stale);
                if (g != null) {
                    g.meters.forEach(MeterRegistry::remove);
                }
            }
        }
        return now;
    }

    /**
     * Checks a run's signals before any is published: a name keeps the tag-key set it was first
     * published with (Prometheus refuses two).
     *
     * @throws IllegalStateException naming the signal and both key sets
     */
    public void checkSignals(List<Signal> run) {
        for (Signal s : run) {
            checkTagKeys(s.spec());
        }
    }

    private void checkTagKeys(SignalSpec spec) {
        List<String> known = tagKeysByName.putIfAbsent(spec.meterName(), spec.tagKeys());
        if (known != null && !known.equals(spec.tagKeys())) {
            throw new IllegalStateException("signal '" + spec.name() + "' is published with tag keys " + spec.tagKeys()
                    + " but was first published with " + known + "; a meter name may have one tag-key set only");
        }
    }

    private static void registerSignal(MeterRegistry registry, SignalGauge g) {
        Meter meter = Gauge.builder(g.spec.meterName(), g, x -> x.value)
                .description(g.spec.description())
                .baseUnit(g.spec.baseUnit())
                .tags(g.tags)
                // strong: a registry read after its engine is dropped shows the last value, not NaN
                .strongReference(true)
                .register(registry);
        g.meters.put(registry, meter);
    }
}
