package dev.telltale.redis.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One command's {@code LATENCY HISTOGRAM} (Redis 7.0+): for each power-of-two bucket (upper bound in
 * microseconds) the calls at or below it, cumulative since the server started or CONFIG RESETSTAT. The
 * server lists only the buckets where the count grows, so the counts form a step function. The since-start
 * counts say nothing about now; {@link #since} turns two of them into the histogram of the window between.
 */
record LatencyHistogram(long calls, long[] bounds, long[] cumulative) {

    /** The reply of {@code LATENCY HISTOGRAM}: command, [calls, n, histogram_usec, [bound, count, ...]], ... */
    static Map<String, LatencyHistogram> parse(List<Object> reply) {
        Map<String, LatencyHistogram> out = new HashMap<>();
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            String command = String.valueOf(reply.get(i));
            List<?> fields = (List<?>) reply.get(i + 1);
            long calls = 0;
            List<?> buckets = List.of();
            for (int f = 0; f + 1 < fields.size(); f += 2) {
                String name = String.valueOf(fields.get(f));
                if ("calls".equals(name)) {
                    calls = ((Number) fields.get(f + 1)).longValue();
                } else if ("histogram_usec".equals(name)) {
                    buckets = (List<?>) fields.get(f + 1);
                }
            }
            long[] bounds = new long[buckets.size() / 2];
            long[] counts = new long[bounds.length];
            for (int b = 0; b < bounds.length; b++) {
                bounds[b] = ((Number) buckets.get(2 * b)).longValue();
                counts[b] = ((Number) buckets.get(2 * b + 1)).longValue();
            }
            out.put(command, new LatencyHistogram(calls, bounds, counts));
        }
        return out;
    }

    /** Calls at or below {@code bound} microseconds. */
    long atOrBelow(long bound) {
        long n = 0;
        for (int i = 0; i < bounds.length && bounds[i] <= bound; i++) {
            n = cumulative[i];
        }
        return n;
    }

    /**
     * The calls made since {@code before} was read, as a histogram of their own; empty when the counts went
     * down (a restart or CONFIG RESETSTAT in between: the window is unknown).
     */
    Optional<LatencyHistogram> since(LatencyHistogram before) {
        if (calls < before.calls) {
            return Optional.empty();
        }
        long[] window = new long[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            window[i] = cumulative[i] - before.atOrBelow(bounds[i]);
            if (window[i] < 0 || (i > 0 && window[i] < window[i - 1])) {
                return Optional.empty();
            }
        }
        return Optional.of(new LatencyHistogram(calls - before.calls, bounds, window));
    }

    /**
     * The upper bound (microseconds) of the bucket holding quantile {@code q} of the calls: the true value is
     * at most this and above half of it. 0 without calls.
     */
    long percentile(double q) {
        long rank = (long) Math.ceil(q * calls);
        for (int i = 0; i < bounds.length; i++) {
            if (cumulative[i] >= Math.max(1, rank)) {
                return bounds[i];
            }
        }
        return bounds.length == 0 ? 0 : bounds[bounds.length - 1];
    }
}
