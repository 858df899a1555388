package dev.telltale.core.internal;

import dev.telltale.core.Outcome;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
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
 *
 * <p>Runs go through one lane per target: a target's runs start one after the other (its detectors share one
 * connection anyway), so a run never burns a worker waiting for its target and the workers, a bounded pool, are
 * shared by as many targets as there are. A run's deadline starts when it starts; the time it waited in its lane and
 * for a worker is its queue time. A lane moves on when a run ends or reaches its deadline, so a detector that hangs
 * holds up its target for one deadline at most. First runs are spread over a share of the interval that grows with
 * the number of targets ({@link #startSpread}), so a fleet does not open every connection and run every detector in
 * the same second.
 */
public final class Scheduler {
    /** The start-up spread each target adds, up to the interval. */
    static final Duration SPREAD_PER_TARGET = Duration.ofMillis(250);

    private final Runner runner;
    private final ExecutorService workers;
    private final ScheduledThreadPoolExecutor timer;
    private final double jitter;
    private final Map<String, Lane> lanes = new HashMap<>();
    private volatile boolean closed;

    public Scheduler(Runner runner, ExecutorService workers, ScheduledThreadPoolExecutor timer, double jitter) {
        this.runner = runner;
        this.workers = workers;
        this.timer = timer;
        this.jitter = jitter;
    }

    /** Schedules the first run of every enabled slot, at a random point of its start-up spread. */
    public void start(List<Slot> slots) {
        long targets = slots.stream().filter(s -> s.settings.enabled()).map(Slot::target).distinct().count();
        for (Slot s : slots) {
            if (s.settings.enabled()) {
                long spread = startSpread(s.settings.interval(), jitter, targets).toNanos();
                long firstDelay = (long) (spread * ThreadLocalRandom.current().nextDouble());
                timer.schedule(() -> launch(s), firstDelay, TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * Over how long the first runs of a detector are spread: its jitter share of the interval, or
     * {@link #SPREAD_PER_TARGET} per target when that is longer, never more than the interval.
     */
    static Duration startSpread(Duration interval, double jitter, long targets) {
        long byJitter = (long) (interval.toNanos() * jitter);
        long byFleet = SPREAD_PER_TARGET.toNanos() * Math.max(0, targets);
        return Duration.ofNanos(Math.min(interval.toNanos(), Math.max(byJitter, byFleet)));
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
        long queuedAt = System.nanoTime();
        lane(s.target()).offer(() -> start(s, queuedAt));
    }

    private synchronized Lane lane(String target) {
        return lanes.computeIfAbsent(target, t -> new Lane());
    }

    /** Starts a run that has reached the head of its lane; its deadline starts when a worker takes it. */
    private void start(Slot s, long queuedAt) {
        Lane lane = lane(s.target());
        AtomicBoolean settled = new AtomicBoolean();
        FutureTask<?>[] self = new FutureTask<?>[1];
        FutureTask<Void> work = new FutureTask<>(() -> {
            Duration queued = Duration.ofNanos(System.nanoTime() - queuedAt);
            ScheduledFuture<?> timeout;
            try {
                timeout = timer.schedule(() -> {
                    if (settled.compareAndSet(false, true)) {
                        self[0].cancel(true);
                        RunResult r = runner.timedOut(s);
                        runner.finish(s, r, true);
                        scheduleNext(s, r.outcome());
                        lane.next();
                    }
                }, s.settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                s.inFlight.set(false); // closed meanwhile
                return;
            }
            RunResult r = runner.invoke(s, false, false, queued);
            if (settled.compareAndSet(false, true)) {
                timeout.cancel(false);
                runner.finish(s, r, true);
                scheduleNext(s, r.outcome());
                lane.next();
            }
        }, null);
        self[0] = work;
        try {
            workers.execute(work);
        } catch (RejectedExecutionException e) {
            s.inFlight.set(false); // closed meanwhile
        }
    }

    /** The runs of one target waiting their turn, one going at a time. */
    private static final class Lane {
        private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
        private boolean busy;

        void offer(Runnable run) {
            synchronized (this) {
                if (busy) {
                    waiting.add(run);
                    return;
                }
                busy = true;
            }
            run.run();
        }

        void next() {
            Runnable run;
            synchronized (this) {
                run = waiting.poll();
                if (run == null) {
                    busy = false;
                    return;
                }
            }
            run.run();
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
