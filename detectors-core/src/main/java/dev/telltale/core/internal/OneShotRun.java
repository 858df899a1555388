package dev.telltale.core.internal;

import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Finding;
import dev.telltale.core.Outcome;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.core.Setting;
import dev.telltale.core.SettingType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-shot report. Detectors whose verdicts come from the change of a counter ({@link DetectorSpec#delta()}) are
 * sampled twice, {@code window} apart: a baseline, then the reported run; every other detector runs once, with the
 * second samples (and at the window's start as well when a finding of theirs could hold for its {@code for} within
 * the window). With no window there is one pass: a detector whose every verdict needs two samples does not run
 * and is reported {@code not-judged}, one that judges part of its subject from one sample runs and notes what it
 * could not judge. An engine that reports again (watch) takes the missing baselines in its next report and judges
 * from the one after, each delta then over the time since the previous report.
 */
public final class OneShotRun {
    private final Runner runner;
    private final ExecutorService workers;
    private final AtomicInteger reports = new AtomicInteger();

    public OneShotRun(Runner runner, ExecutorService workers) {
        this.runner = runner;
        this.workers = workers;
    }

    public Report run(List<Slot> slots, Duration window) throws InterruptedException {
        Instant startedAt = runner.clock().instant();
        boolean again = reports.getAndIncrement() > 0;
        List<Slot> enabled = slots.stream().filter(s -> s.settings.enabled()).toList();
        // what a delta detector needs and lacks: a previous sample, when the window gives none
        Map<Slot, DetectorSpec.Delta> noWindow = new HashMap<>();
        Map<Slot, RunResult> first;
        Map<Slot, RunResult> second;
        if (window.isZero()) {
            List<Slot> once = new ArrayList<>();
            List<Slot> baselines = new ArrayList<>();
            for (Slot s : enabled) {
                Optional<DetectorSpec.Delta> delta = s.detector.spec().delta().filter(d -> !sampled(s));
                delta.ifPresent(d -> noWindow.put(s, d));
                if (delta.isEmpty() || delta.get().partial()) {
                    once.add(s);
                } else if (again) {
                    baselines.add(s);
                }
            }
            Map<Slot, RunResult> all = pass(once, baselines);
            first = new HashMap<>(all);
            first.keySet().retainAll(baselines);
            second = all;
            second.keySet().removeAll(baselines);
        } else {
            // a detector whose finding could hold for its 'for' within the window is seen at both ends of it too
            first = pass(enabled.stream().filter(s -> s.detector.spec().delta().isEmpty() && holdsWithin(s, window)).toList(),
                    enabled.stream().filter(s -> s.detector.spec().delta().isPresent()).toList());
            Thread.sleep(window.toMillis());
            second = pass(enabled, List.of());
        }
        List<Finding> findings = new ArrayList<>();
        List<RunRecord> runs = new ArrayList<>();
        Map<Finding.Key, Duration> observed = new HashMap<>();
        for (Slot slot : enabled) {
            RunResult r = second.get(slot);
            RunResult baseline = first.get(slot);
            DetectorSpec.Delta lacking = noWindow.get(slot);
            if (r == null) {
                // not run for want of a window; a baseline taken for the next report that failed is the news
                runs.add(baseline != null && !(baseline.outcome() instanceof Outcome.Ok) ? Runner.record(slot, baseline)
                        : new RunRecord(slot.id(), slot.target(), new Outcome.NotJudged(lacking.notJudged()), startedAt,
                        Duration.ZERO));
                continue;
            }
            if (r.outcome() == Runner.STILL_RUNNING && baseline != null) {
                r = baseline; // the baseline run that hung is the news, not the skip it caused
            }
            RunRecord record = Runner.record(slot, r);
            if (lacking != null && r.outcome() instanceof Outcome.Ok) {
                List<String> notes = new ArrayList<>(record.notes());
                notes.add(lacking.notJudged());
                record = new RunRecord(record.detector(), record.target(), record.outcome(), record.startedAt(),
                        record.duration(), record.coverage(), record.truncated(), notes, record.signals());
            }
            runs.add(record);
            RunResult reported = r;
            reported.detection().ifPresent(d -> {
                findings.addAll(d.findings());
                if (baseline != null && baseline != reported && baseline.detection().isPresent()) {
                    // seen in both passes: for the time between them
                    Duration between = Duration.between(baseline.startedAt(), reported.startedAt());
                    baseline.detection().get().findings().forEach(f -> observed.put(f.key(), between));
                }
            });
        }
        observed.keySet().retainAll(findings.stream().map(Finding::key).collect(java.util.stream.Collectors.toSet()));
        return new Report(startedAt, window, findings, runs, observed);
    }

    /**
     * Whether a finding of this detector could hold for its {@code for} within {@code window}: one of its duration
     * settings named {@code for} (or {@code <what>.for}) is above 0 and at most the window. Seen by a run at each end
     * of the window, such a finding can fire in the report, as an alerting rule would fire it.
     */
    private static boolean holdsWithin(Slot s, Duration window) {
        for (Setting<?> setting : s.detector.spec().settings()) {
            if (setting.type() == SettingType.DURATION && (setting.name().equals("for") || setting.name().endsWith(".for"))) {
                Duration hold = (Duration) s.settings.get(setting);
                if (!hold.isZero() && hold.compareTo(window) <= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a delta detector holds a sample from an earlier report of this engine to compare the next one with. */
    private static boolean sampled(Slot s) {
        RunRecord last = s.lastRun;
        return last != null && last.outcome() instanceof Outcome.Ok;
    }

    /** Runs {@code reported} and {@code baselines} (baseline samples) at once; the results in slot order. */
    private Map<Slot, RunResult> pass(List<Slot> reported, List<Slot> baselines) throws InterruptedException {
        List<Slot> slots = new ArrayList<>(baselines);
        slots.addAll(reported);
        Map<Slot, Future<RunResult>> futures = new LinkedHashMap<>();
        Map<Slot, Long> deadlines = new HashMap<>();
        for (Slot s : slots) {
            boolean baseline = baselines.contains(s);
            if (!s.inFlight.compareAndSet(false, true)) {
                futures.put(s, CompletableFuture.completedFuture(runner.stillRunning()));
                continue;
            }
            deadlines.put(s, System.nanoTime() + s.settings.timeout().toNanos());
            futures.put(s, workers.submit(() -> runner.invoke(s, true, baseline)));
        }
        Map<Slot, RunResult> results = new LinkedHashMap<>();
        for (Map.Entry<Slot, Future<RunResult>> e : futures.entrySet()) {
            Slot s = e.getKey();
            RunResult r;
            try {
                long left = deadlines.getOrDefault(s, System.nanoTime()) - System.nanoTime();
                r = e.getValue().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException t) {
                e.getValue().cancel(true);
                r = runner.timedOut(s);
            } catch (ExecutionException | CancellationException t) {
                r = new RunResult(Outcome.failed(t.getCause() == null ? t : t.getCause()), java.util.Optional.empty(),
                        runner.clock().instant(), Duration.ZERO);
            }
            runner.finish(s, r, false);
            results.put(s, r);
        }
        return results;
    }
}
