package dev.telltale.jvm.cache;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The store behind the caches under test: each query takes a while, as a database does under a herd, and is counted. */
final class SlowStore {
    private final AtomicInteger queries = new AtomicInteger();

    /** One query: 300 ms, then {@code answer}. */
    String query(Supplier<String> answer) {
        queries.incrementAndGet();
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return answer.get();
    }

    int queries() {
        return queries.get();
    }
}
