package dev.telltale.redis.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The previous counter snapshot of every node, for deltas. A restart (uptime went back) or CONFIG
 * RESETSTAT (a counter went back) yields no delta that time, with the reason in {@link Delta#reset()}.
 */
public final class Counters {
    private final Map<String, Snapshot> previous = new HashMap<>();

    /** The change since the last call for this node, or empty on the first call. */
    public synchronized Optional<Delta> update(String node, long uptimeSeconds, Map<String, Long> values) {
        Snapshot now = new Snapshot(System.nanoTime(), uptimeSeconds, Map.copyOf(values));
        Snapshot before = previous.put(node, now);
        if (before == null) {
            return Optional.empty();
        }
        double seconds = Math.max(1e-3, (now.nanos - before.nanos) / 1e9);
        if (uptimeSeconds < before.uptime) {
            return Optional.of(new Delta(Map.of(), seconds, Optional.of("restarted (uptime went from "
                    + before.uptime + " s to " + uptimeSeconds + " s)")));
        }
        Map<String, Long> d = new HashMap<>();
        for (Map.Entry<String, Long> e : values.entrySet()) {
            long old = before.values.getOrDefault(e.getKey(), 0L);
            if (e.getValue() < old) {
                return Optional.of(new Delta(Map.of(), seconds, Optional.of("statistics were reset (" + e.getKey()
                        + " went from " + old + " to " + e.getValue() + ")")));
            }
            d.put(e.getKey(), e.getValue() - old);
        }
        return Optional.of(new Delta(d, seconds, Optional.empty()));
    }

    public synchronized void forget(String node) {
        previous.remove(node);
    }

    private record Snapshot(long nanos, long uptime, Map<String, Long> values) {
    }

    /** Increments over {@code seconds}; empty with a reason when the counters were reset in between. */
    public record Delta(Map<String, Long> values, double seconds, Optional<String> reset) {
        public long get(String name) {
            return values.getOrDefault(name, 0L);
        }

        public double perSecond(String name) {
            return get(name) / seconds;
        }
    }
}
