package dev.telltale.core.internal;

import java.time.Duration;

/**
 * When a detector runs again after runs that failed or timed out: one minute after the first failure,
 * doubling with each failure that follows, never later than its interval. A detector on a one-hour
 * interval whose run fell on a restart of its server would otherwise show an error for the hour; one on
 * an interval of a minute or less keeps its interval, which is as soon as the backoff would retry anyway.
 */
public final class RetryBackoff {
    /** The delay after a first failure. */
    public static final Duration FIRST = Duration.ofMinutes(1);

    private RetryBackoff() {
    }

    /**
     * @param interval            the detector's interval
     * @param consecutiveFailures how many runs in a row failed or timed out, the latest included; 0 after a
     *                            run that ended ok or was skipped
     * @return the delay before the next run
     */
    public static Duration next(Duration interval, int consecutiveFailures) {
        if (consecutiveFailures <= 0 || interval.compareTo(FIRST) <= 0) {
            return interval;
        }
        // past 2^20 minutes every interval is reached; the cap keeps the shift from overflowing
        Duration delay = FIRST.multipliedBy(1L << Math.min(consecutiveFailures - 1, 20));
        return delay.compareTo(interval) < 0 ? delay : interval;
    }
}
