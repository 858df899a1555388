package dev.telltale.core;

import dev.telltale.core.internal.AlertTracker;
import dev.telltale.core.internal.EngineMetrics;
import dev.telltale.core.internal.RetryBackoff;
import dev.telltale.core.internal.Runner;
import dev.telltale.core.internal.Scheduler;
import dev.telltale.core.internal.Slot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler on a timer the test drives by hand: each step runs the next due task and moves the clock
 * to it, so the delays between runs are read exactly, with no waiting.
 */
class SchedulerRetryTest {
    private static final Duration HOUR = Duration.ofHours(1);

    private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");
    private final ManualTimer timer = new ManualTimer(START);
    private final MutableClock clock = new MutableClock(START);
    private volatile boolean failing;
    private volatile boolean timingOut;
    private volatile boolean skipping;

    @Test
    void aSlowDetectorThatFailsIsRetriedFromAMinuteDoublingUpToItsInterval() {
        TestDetector d = flaky(HOUR);
        failing = true;
        Scheduler scheduler = start(d);

        List<Duration> gaps = runs(8);

        assertThat(gaps).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4),
                Duration.ofMinutes(8), Duration.ofMinutes(16), Duration.ofMinutes(32), HOUR, HOUR);
        scheduler.close();
    }

    @Test
    void aRunThatEndsOkBringsBackTheIntervalAndTheNextFailureStartsAgainAtAMinute() {
        TestDetector d = flaky(HOUR);
        failing = true;
        start(d);
        assertThat(runs(3)).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4));

        // each gap ends with the run the flag decides: the retry already due, then the interval
        failing = false;
        assertThat(runs(2)).as("ok: back on the interval").containsExactly(Duration.ofMinutes(8), HOUR);

        failing = true;
        assertThat(runs(3)).containsExactly(HOUR, Duration.ofMinutes(1), Duration.ofMinutes(2));
    }

    @Test
    void timeoutsBackOffLikeErrorsButSkippedRunsKeepTheInterval() {
        TestDetector d = flaky(HOUR);
        timingOut = true;
        start(d);
        assertThat(runs(2)).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(2));

        timingOut = false;
        skipping = true;
        assertThat(runs(2)).as("a skipped run (missing grant, old version) is no failure")
                .containsExactly(Duration.ofMinutes(4), HOUR);
    }

    @Test
    void aDetectorOnAShortIntervalKeepsIt() {
        TestDetector d = flaky(Duration.ofSeconds(15));
        failing = true;
        start(d);
        assertThat(runs(3)).containsOnly(Duration.ofSeconds(15));
    }

    @Test
    void theBackoffNeverOverflowsAndNeverPassesTheInterval() {
        assertThat(RetryBackoff.next(Duration.ofDays(365), 1_000)).isEqualTo(Duration.ofDays(365));
        assertThat(RetryBackoff.next(Duration.ofMinutes(15), 4)).isEqualTo(Duration.ofMinutes(8));
        assertThat(RetryBackoff.next(Duration.ofMinutes(15), 5)).isEqualTo(Duration.ofMinutes(15));
        assertThat(RetryBackoff.next(Duration.ofMinutes(90), 0)).isEqualTo(Duration.ofMinutes(90));
    }

    private Scheduler start(TestDetector d) {
        Runner runner = new Runner(clock, List.of(), new AlertTracker(), new EngineMetrics(), Progress.NONE);
        Scheduler scheduler = new Scheduler(runner, new InlineExecutor(), timer, 0.0);
        scheduler.start(List.of(new Slot(d, DetectorSettings.resolve(d, Map.of()))));
        timer.runNext(clock); // the first run, at once with no jitter
        return scheduler;
    }

    private TestDetector flaky(Duration interval) {
        return new TestDetector("test.flaky", interval, ctx -> {
            if (failing) {
                throw new java.sql.SQLException("the server restarted");
            }
            if (timingOut) {
                throw new DetectionTimeoutException("no answer in time");
            }
            if (skipping) {
                throw new DetectionSkippedException("needs a grant");
            }
            return Detection.builder().build();
        });
    }

    /** The time from each run to the next, for {@code n} more runs. */
    private List<Duration> runs(int n) {
        List<Duration> gaps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant before = clock.instant();
            timer.runNext(clock);
            gaps.add(Duration.between(before, clock.instant()));
        }
        return gaps;
    }

    /** Runs submitted work on the caller's thread. */
    private static final class InlineExecutor extends AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    /** A timer whose tasks run only when the test says, in order of when they are due on the hand clock. */
    private static final class ManualTimer extends ScheduledThreadPoolExecutor {
        private final List<Task> tasks = new ArrayList<>();
        private Instant now;

        ManualTimer(Instant start) {
            super(1);
            this.now = start;
        }

        @Override
        public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            Task t = new Task(command, now.plusNanos(unit.toNanos(delay)));
            tasks.add(t);
            return t;
        }

        /** Moves the clock to the earliest due task that is not cancelled and runs it. */
        void runNext(MutableClock clock) {
            Task next;
            synchronized (this) {
                tasks.removeIf(Task::isCancelled);
                next = tasks.stream().min(Comparator.comparing(t -> t.due)).orElseThrow();
                tasks.remove(next);
                now = next.due;
            }
            clock.advance(Duration.between(clock.instant(), now));
            next.command.run();
        }

        /** A command and when it is due; cancelling it (all the scheduler does with it) drops it from the timer. */
        private static final class Task extends FutureTask<Object> implements ScheduledFuture<Object> {
            final Runnable command;
            final Instant due;

            Task(Runnable command, Instant due) {
                super(command, null);
                this.command = command;
                this.due = due;
            }

            @Override
            public long getDelay(TimeUnit unit) {
                return 0;
            }

            @Override
            public int compareTo(Delayed o) {
                return 0;
            }
        }
    }
}
