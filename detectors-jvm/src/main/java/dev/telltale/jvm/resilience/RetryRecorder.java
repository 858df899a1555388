package dev.telltale.jvm.resilience;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts calls and retries of retry code that is not Resilience4j (Spring Retry listeners, Feign
 * retryers, hand-written loops). Get one from {@link RetryStormsBuilder#recorder(String)}; call
 * {@link #call()} once per logical call and {@link #retry()} once per extra attempt.
 */
public final class RetryRecorder {
    private final String name;
    final LongAdder calls = new LongAdder();
    final LongAdder retries = new LongAdder();

    RetryRecorder(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** One logical call, whatever its number of attempts. */
    public void call() {
        calls.increment();
    }

    /** One attempt after the first. */
    public void retry() {
        retries.increment();
    }
}
