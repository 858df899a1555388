package dev.telltale.core.internal;

import dev.telltale.core.Outcome;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scheduled mode: each detector runs on its own interval with a fixed delay and a little jitter, never
 * overlapping itself, under its deadline. A run still going at its deadline is cancelled and recorded as
 * a timeout; a tick that finds the previous run still holding the slot is recorded as skipped. A run that
 * failed or timed out is retried sooner than its interval, with backoff ({@link RetryBackoff}).
 */
public final class Scheduler {
    private final Runner runner;
    private final ExecutorService workers;
    private final ScheduledThreadPoolExecutor timer;
    private final double jitter;
    private volatile boolean closed;

    public Scheduler(Runner runner, ExecutorService workers, ScheduledThreadPoolExecutor timer, double jitter) {
        this.runner = runner;
        this.workers = workers;
        this.timer = timer;
        this.jitter = jitter;
    }

    /** Schedules the first run of every enabled slot within a jittered share of its interval. */
    public void start(List<Slot> slots) {
        for (Slot s : slots) {
            if (s.settings.enabled()) {
                long firstDelay = (long) (s.settings.interval().toNanos() * jitter * ThreadLocalRandom.current().nextDouble());
                timer.schedule(() -> launch(s), firstDelay, TimeUnit.NANOSECONDS);
            }
        }
    }

    public void close() {
        closed = true;
    }

    private void launch(Slot s) {
        if (closed) {
            return;
        }
        if (!s.inFlight.compareAndSet(false, true)) {
            runner.finish(s, runner.stillRunning(), true);
            scheduleNext(s, null);
            return;
        }
        AtomicBoolean settled = new AtomicBoolean();
        Future<?>[] work = new Future<?>[1];
        ScheduledFuture<?> timeout = timer.schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                Future<?> w = work[0];
                if (w != null) {
                    w.cancel(true);
                }
                RunResult r = runner.timedOut(s);
                runner.finish(s, r, true);
                scheduleNext(s, r.outcome());
            }
        }, s.settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            work[0] = workers.submit(() -> {
                RunResult r = runner.invoke(s, false, false);
                if (settled.compareAndSet(false, true)) {
                    timeout.cancel(false);
                    runner.finish(s, r, true);
                    scheduleNext(s, r.outcome());
                }
            });
        } catch (RejectedExecutionException e) {
            s.inFlight.set(false);
            timeout.cancel(false);
        }
    }

    /**
     * The next run: after its interval, or sooner after a failure ({@link RetryBackoff}).
     *
     * @param outcome how the run ended; null when no run took place (the previous one still held the slot),
     *                which leaves the failure count as it was
     */
    private void scheduleNext(Slot s, Outcome outcome) {
        if (closed) {
            return;
        }
        if (outcome instanceof Outcome.Failed || outcome instanceof Outcome.TimedOut) {
            s.consecutiveFailures++;
        } else if (outcome != null) {
            s.consecutiveFailures = 0;
        }
        long base = RetryBackoff.next(s.settings.interval(), s.consecutiveFailures).toNanos();
        long delay = base + (long) (base * jitter * ThreadLocalRandom.current().nextDouble());
        try {
            timer.schedule(() -> launch(s), delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }
}
