package dev.telltale.jvm;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/** A workload split over threads, for the trackers' tests under concurrency. */
public final class Parallel {
    private Parallel() {
    }

    /** Runs parts {@code 0} to {@code threads - 1} of {@code part}, each on its own thread, and waits (a minute at most) for all. */
    public static void parts(int threads, IntConsumer part) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int index = t;
            pool.execute(() -> part.accept(index));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
}
