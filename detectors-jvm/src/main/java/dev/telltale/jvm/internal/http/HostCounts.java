package dev.telltale.jvm.internal.http;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The responses a {@code ThrottlingRecorder} saw from one host: running totals and the largest Retry-After. */
public final class HostCounts {
    public final LongAdder total = new LongAdder();
    public final LongAdder tooMany = new LongAdder();
    public final LongAdder unavailable = new LongAdder();
    /** The largest Retry-After in ms since the detector last read it, -1 for none. */
    public final AtomicLong maxRetryAfterMillis = new AtomicLong(-1);
}
