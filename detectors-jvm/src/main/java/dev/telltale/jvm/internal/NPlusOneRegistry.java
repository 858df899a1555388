package dev.telltale.jvm.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * N+1 patterns seen when units of work ended: one entry per unit name and fingerprint, at most
 * {@code capacity} of them (the least recently seen goes first). Written only when a unit ends with a
 * repeat, so it is off the statement hot path; entry by entry, without a lock shared by all requests.
 */
public final class NPlusOneRegistry {
    /**
     * What the detector asks for, handed over when the engine is built ({@code configure}) so that the
     * first units of work already use the configured thresholds; the detector's defaults until then.
     */
    public record Rule(int minCount, long minTotalNanos) {
    }

    /** One unit name and statement shape that repeated. */
    public record Pattern(String unit, Fingerprint fingerprint, int units, int lastCount, int maxCount,
                          long lastTotalNanos, long maxTotalNanos, Instant firstSeen, Instant lastSeen) {
    }

    /**
     * A unit name and fingerprint id. Hand-written rather than a record: a record's equals and hashCode go
     * through a bootstrap method handle, which showed in profiles of every request that ends with a repeat.
     */
    private static final class Key {
        private final String unit;
        private final long fingerprint;

        Key(String unit, long fingerprint) {
            this.unit = unit;
            this.fingerprint = fingerprint;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.fingerprint == fingerprint && k.unit.equals(unit);
        }

        @Override
        public int hashCode() {
            return 31 * unit.hashCode() + Long.hashCode(fingerprint);
        }
    }

    private final int capacity;
    private final Clock clock;
    private final ConcurrentHashMap<Key, Pattern> patterns = new ConcurrentHashMap<>();
    private volatile Rule rule = new Rule(5, 0);

    public NPlusOneRegistry(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    public Rule rule() {
        return rule;
    }

    public void rule(Rule rule) {
        this.rule = rule;
    }

    public void unitEnded(WorkState unit) {
        Rule r = rule;
        List<WorkState.Repeat> repeats = unit.end(r.minCount(), r.minTotalNanos());
        if (repeats.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        for (WorkState.Repeat rep : repeats) {
            // Per entry, not one lock for all: every request of an N+1 page ends here.
            patterns.compute(new Key(unit.name(), rep.fingerprint().id()), (k, p) -> p == null
                    ? new Pattern(unit.name(), rep.fingerprint(), 1, rep.count(), rep.count(), rep.totalNanos(),
                    rep.totalNanos(), now, now)
                    : new Pattern(p.unit(), p.fingerprint(), p.units() + 1, rep.count(), Math.max(p.maxCount(), rep.count()),
                    rep.totalNanos(), Math.max(p.maxTotalNanos(), rep.totalNanos()), p.firstSeen(), now));
        }
        if (patterns.size() > capacity) {
            evict();
        }
    }

    /** Above capacity, the least recently seen patterns go. */
    private synchronized void evict() {
        while (patterns.size() > capacity) {
            patterns.values().stream().min(Comparator.comparing(Pattern::lastSeen))
                    .ifPresent(oldest -> patterns.remove(new Key(oldest.unit(), oldest.fingerprint().id())));
        }
    }

    /** Forgets patterns not seen since {@code cutoff} and returns the rest. */
    public List<Pattern> since(Instant cutoff) {
        patterns.values().removeIf(p -> p.lastSeen().isBefore(cutoff));
        return new ArrayList<>(patterns.values());
    }

    public int size() {
        return patterns.size();
    }
}
