package dev.telltale.core.internal;

import dev.telltale.core.Finding;
import dev.telltale.core.Outcome;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A one-shot report: every enabled detector runs twice, {@code window} apart, so that delta-based
 * detectors see a change, and the findings of the second pass are reported.
 */
public final class OneShotRun {
    private final Runner runner;
    private final ExecutorService workers;

    public OneShotRun(Runner runner, ExecutorService workers) {
        this.runner = runner;
        this.workers = workers;
    }

    public Report run(List<Slot> slots, Duration window) throws InterruptedException {
        Instant startedAt = runner.clock().instant();
        Map<Slot, RunResult> first = pass(slots, true);
        if (!window.isZero()) {
            Thread.sleep(window.toMillis());
        }
        Map<Slot, RunResult> second = pass(slots, false);
        List<Finding> findings = new ArrayList<>();
        List<RunRecord> runs = new ArrayList<>();
        Map<Finding.Key, Duration> observed = new HashMap<>();
        second.forEach((slot, r) -> {
            if (r.outcome() == Runner.STILL_RUNNING && first.containsKey(slot)) {
                r = first.get(slot); // the baseline run that hung is the news, not the skip it caused
            }
            runs.add(Runner.record(slot, r));
            RunResult reported = r;
            reported.detection().ifPresent(d -> {
                findings.addAll(d.findings());
                RunResult baseline = first.get(slot);
                if (baseline != null && baseline != reported && baseline.detection().isPresent()) {
                    // seen in both passes: for the time between them
                    Duration between = Duration.between(baseline.startedAt(), reported.startedAt());
                    baseline.detection().get().findings().forEach(f -> observed.put(f.key(), between));
                }
            });
        });
        observed.keySet().retainAll(findings.stream().map(Finding::key).collect(java.util.stream.Collectors.toSet()));
        return new Report(startedAt, window, findings, runs, observed);
    }

    private Map<Slot, RunResult> pass(List<Slot> slots, boolean baseline) throws InterruptedException {
        Map<Slot, Future<RunResult>> futures = new LinkedHashMap<>();
        Map<Slot, Long> deadlines = new HashMap<>();
        for (Slot s : slots) {
            if (!s.settings.enabled()) {
                continue;
            }
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
