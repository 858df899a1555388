package dev.telltale.core;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Scheduled mode with many targets: bounded workers, one run of a target at a time, queue time apart from run time. */
class SchedulerFleetTest {
    private final List<DetectorEngine> engines = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        engines.forEach(DetectorEngine::close);
    }

    /** A detector of a named target whose behaviour a test sets. */
    private static final class OnTarget extends AbstractDetector {
        private final TestDetector.Behaviour behaviour;

        OnTarget(String id, String target, TestDetector.Behaviour behaviour) {
            super(DetectorSpec.builder(id).problems(Problem.DATABASE_DEADLOCKS).interval(Duration.ofMinutes(10)).build(), target);
            this.behaviour = behaviour;
        }

        @Override
        public Detection detect(DetectionContext ctx) throws Exception {
            return behaviour.detect(ctx);
        }
    }

    /** Sleeps {@code millis}, counting how many runs are under way at once. */
    private static TestDetector.Behaviour sleeping(long millis, AtomicInteger concurrent, AtomicInteger maxConcurrent) {
        return ctx -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                Thread.sleep(millis);
            } finally {
                concurrent.decrementAndGet();
            }
            return Detection.nothing();
        };
    }

    private DetectorEngine started(DetectorEngine.Builder b) {
        DetectorEngine e = b.jitter(0).build();
        e.bindTo(registry);
        engines.add(e);
        e.start();
        return e;
    }

    @Test
    void timeADetectionReportsWaitingIsQueueTimeNotDuration() {
        DetectorEngine e = started(DetectorEngine.builder().detector(new OnTarget("test.waits", "db", ctx -> {
            Thread.sleep(300);
            ctx.queued(Duration.ofMillis(250)); // as a target's connection reports the wait for its lock
            return Detection.nothing();
        })));
        await().until(() -> !e.lastRuns().isEmpty());
        RunRecord run = e.lastRuns().get(0);
        assertThat(run.queued()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(run.duration()).isLessThan(Duration.ofMillis(250)).isGreaterThanOrEqualTo(Duration.ofMillis(40));
        assertThat(FindingsDocument.run(run, s -> s)).containsKeys("durationMs", "queuedMs");
        Timer queued = registry.find("telltale.detector.queued").tag("target", "db").timer();
        assertThat(queued).isNotNull();
        assertThat(queued.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(250);
    }

    @Test
    void aTargetsRunsTakeTurnsAndTheWaitIsTheirQueueTime() {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        DetectorEngine.Builder b = DetectorEngine.builder();
        for (int i = 0; i < 4; i++) {
            b.detector(new OnTarget("test.d" + i, "db", sleeping(200, concurrent, maxConcurrent)));
        }
        DetectorEngine e = started(b);
        await().atMost(Duration.ofSeconds(20)).until(() -> e.lastRuns().size() == 4);
        assertThat(maxConcurrent.get()).isEqualTo(1);
        // the four started within 250 ms of each other and took 200 ms each: the later ones waited
        long queuedMs = e.lastRuns().stream().mapToLong(r -> r.queued().toMillis()).sum();
        assertThat(queuedMs).isGreaterThanOrEqualTo(200);
        assertThat(e.lastRuns()).allSatisfy(r -> assertThat(r.duration()).isLessThan(Duration.ofMillis(1000)));
    }

    @Test
    void workersAreBoundedWhateverTheNumberOfTargets() {
        Map<String, Boolean> threads = new ConcurrentHashMap<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        DetectorEngine.Builder b = DetectorEngine.builder().workers(3);
        for (int i = 0; i < 40; i++) {
            TestDetector.Behaviour sleeps = sleeping(20, concurrent, maxConcurrent);
            b.detector(new OnTarget("test.d", "db" + i, ctx -> {
                threads.put(Thread.currentThread().getName(), true);
                return sleeps.detect(ctx);
            }));
        }
        DetectorEngine e = started(b);
        await().atMost(Duration.ofSeconds(30)).until(() -> e.lastRuns().size() == 40);
        assertThat(e.lastRuns()).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.OK));
        assertThat(maxConcurrent.get()).isLessThanOrEqualTo(3);
        assertThat(threads).hasSizeLessThanOrEqualTo(3);
    }
}
