package dev.telltale.jvm;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import dev.telltale.jvm.internal.ExecutorSaturationDetector;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A real ThreadPoolExecutor driven into a full queue and a rejection. */
class ExecutorSaturationIT {

    /** Submits {@code tasks} tasks to {@code executor} that each hold their thread until {@code release} opens. */
    private static void occupy(Executor executor, int tasks, CountDownLatch release) {
        for (int i = 0; i < tasks; i++) {
            executor.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    @Test
    void aFullQueueFiresAndARejectionIsCounted() throws Exception {
        TelltaleJvm telltale = TelltaleJvm.builder().build();
        ThreadPoolExecutor workers = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(2));
        telltale.registerExecutor("workers", workers);
        var detector = telltale.detector(ExecutorSaturationDetector.ID);
        CountDownLatch release = new CountDownLatch(1);
        try {
            assertThat(Detect.aboveInfo(Detect.run(detector, Map.of()))).isEmpty();
            occupy(workers, 4, release);
            assertThatThrownBy(() -> workers.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Detection d = Detect.run(detector, Map.of());
                Finding full = Detect.finding(d, "executor workers: no idle worker, tasks queued").orElseThrow();
                assertThat(full.severity()).isEqualTo(Severity.CRITICAL);
                assertThat(full.holdFor()).isEqualTo(Duration.ofSeconds(30));
                assertThat(full.evidence()).containsEntry("active", 2).containsEntry("queued", 2);
                Finding rejected = Detect.finding(d, "executor workers: tasks rejected").orElseThrow();
                assertThat(rejected.severity()).isEqualTo(Severity.CRITICAL);
                assertThat(rejected.evidence()).containsEntry("rejected", 1L);
                assertThat(Detect.signal(d, "threadpool.rejected", "workers")).isEqualTo(1);
                assertThat(Detect.signal(d, "threadpool.busy", "workers")).isEqualTo(1.0);
            });
        } finally {
            release.countDown();
            workers.shutdown();
            assertThat(workers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        Detection after = Detect.run(detector, Map.of("rejections.window", "1ms"));
        assertThat(Detect.finding(after, "no idle worker")).isEmpty();
    }

    @Test
    void executorsKnownOnlyThroughMicrometerMetersAreWatchedToo() throws Exception {
        TelltaleJvm telltale = TelltaleJvm.builder().build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ThreadPoolExecutor io = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(10));
        new ExecutorServiceMetrics(io, "io", List.of()).bindTo(registry);
        telltale.watchExecutorMeters(registry);
        var detector = telltale.detector(ExecutorSaturationDetector.ID);
        CountDownLatch release = new CountDownLatch(1);
        try {
            occupy(io, 5, release);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(Detect.finding(Detect.run(detector, Map.of()), "executor io: no idle worker")).isPresent());
        } finally {
            release.countDown();
            io.shutdown();
            assertThat(io.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
