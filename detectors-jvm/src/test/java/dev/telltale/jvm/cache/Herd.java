package dev.telltale.jvm.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A hundred callers on their own threads, released together: the shape of a stampede. Closing stops the threads. */
final class Herd implements AutoCloseable {
    static final int CALLERS = 100;

    private final ExecutorService pool = Executors.newFixedThreadPool(CALLERS);

    /** The callers' threads, for workloads of another shape. */
    ExecutorService pool() {
        return pool;
    }

    /** Runs {@code get} on every caller at once, waits for all of them and checks each got {@code expected}. */
    void run(Supplier<String> get, String expected) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return get.get();
            }));
        }
        start.countDown();
        for (Future<String> r : results) {
            assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(expected);
        }
    }

    @Override
    public void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
}
