package dev.telltale.jvm.requests;

import dev.telltale.jvm.internal.requests.IdempotencyCounts;
import dev.telltale.jvm.requests.internal.KeyTable;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Watches idempotency keys (Stripe-style {@code Idempotency-Key} headers, payment intent ids, message ids)
 * without enforcing anything: it tells a first use from a second use while the first is still in flight
 * (the double charge in the making) and from a replay within the TTL. Memory is fixed: at most
 * {@code maxKeys} keys are remembered, as 64-bit fingerprints in tables allocated up front (about 60 bytes
 * per key), oldest first out, each for at most {@code ttl}; the keys themselves are not kept, except the
 * last few concurrent duplicates as evidence. A key still in flight when {@code maxKeys} newer keys have
 * arrived is forgotten.
 *
 * <pre>{@code
 * IdempotencyTracker payments = IdempotencyTracker.forRequests("payments").build();
 * try (IdempotencyTracker.Use use = payments.begin(request.header("Idempotency-Key"))) {
 *     charge(request);
 * }
 * }</pre>
 * For state-changing requests that arrive without a key, call {@link #missingKey()}.
 */
public final class IdempotencyTracker {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final int SAMPLES = 5;

    /** What a tracked key stands for, which decides the problem a duplicate is reported as. */
    public enum Kind {
        /** Client requests (payments, orders): a replay is a client retry, a concurrent duplicate a double charge. */
        REQUESTS,
        /** Consumed events or messages: any replay means an event was delivered and handled twice. */
        EVENTS
    }

    /** What a call to {@link #begin} found. */
    public enum Seen {
        /** First use of the key within the TTL. */
        FIRST,
        /** The key is in use right now by another request: two executions race. */
        CONCURRENT_DUPLICATE,
        /** The key was used and finished within the TTL and is used again. */
        REPLAY
    }

    private final String name;
    private final Kind kind;
    private final long ttlNanos;
    private final Stripe[] stripes;
    private final int mask;
    private final LongAdder missing = new LongAdder();
    private final ArrayDeque<String> concurrentSamples = new ArrayDeque<>();

    private IdempotencyTracker(Builder b) {
        this.name = b.name;
        this.kind = b.kind;
        this.ttlNanos = b.ttl.toNanos();
        int n = b.stripes;
        this.stripes = new Stripe[n];
        int perStripe = Math.max(1, b.maxKeys / n);
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe(perStripe);
        }
        this.mask = n - 1;
    }

    public static Builder forRequests(String name) {
        return new Builder(name, Kind.REQUESTS);
    }

    public static Builder forEvents(String name) {
        return new Builder(name, Kind.EVENTS);
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Marks the start of work under {@code key}. Always pair with {@link Use#close()} (try-with-resources),
     * which marks its end.
     */
    public Use begin(String key) {
        Objects.requireNonNull(key, "key: for requests without a key call missingKey()");
        long fp = KeyTable.fingerprint(key);
        long now = System.nanoTime();
        Stripe s = stripes[(int) (fp >>> 40) & mask];
        int found;
        synchronized (s) {
            s.uses++;
            found = s.table.begin(fp, now, ttlNanos);
            if (found == KeyTable.CONCURRENT) {
                s.concurrent++;
            } else if (found == KeyTable.REPLAY) {
                s.replays++;
            }
        }
        Seen seen = found == KeyTable.FIRST ? Seen.FIRST : found == KeyTable.CONCURRENT ? Seen.CONCURRENT_DUPLICATE : Seen.REPLAY;
        if (seen == Seen.CONCURRENT_DUPLICATE) {
            synchronized (concurrentSamples) {
                if (concurrentSamples.size() == SAMPLES) {
                    concurrentSamples.removeFirst();
                }
                concurrentSamples.addLast(key);
            }
        }
        return new Use(this, fp, seen);
    }

    /** Runs {@code work} between {@link #begin} and its end. */
    public <T> T track(String key, Supplier<T> work) {
        try (Use ignored = begin(key)) {
            return work.get();
        }
    }

    /** Counts a state-changing request that carried no idempotency key. */
    public void missingKey() {
        missing.increment();
    }

    private void end(long fp) {
        Stripe s = stripes[(int) (fp >>> 40) & mask];
        synchronized (s) {
            s.table.end(fp);
        }
    }

    /** Counts since the previous call, and the keys of the last concurrent duplicates. */
    IdempotencyCounts drain() {
        long uses = 0;
        long concurrent = 0;
        long replays = 0;
        long remembered = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                uses += s.uses;
                concurrent += s.concurrent;
                replays += s.replays;
                remembered += s.table.size();
                s.uses = 0;
                s.concurrent = 0;
                s.replays = 0;
            }
        }
        List<String> samples;
        synchronized (concurrentSamples) {
            samples = List.copyOf(concurrentSamples);
            concurrentSamples.clear();
        }
        return new IdempotencyCounts(uses, concurrent, replays, missing.sumThenReset(), remembered, samples);
    }

    /** One use of a key; closing it marks the end of the work. */
    public static final class Use implements AutoCloseable {
        private final IdempotencyTracker tracker;
        private final long fingerprint;
        private final Seen seen;
        private boolean closed;

        private Use(IdempotencyTracker tracker, long fingerprint, Seen seen) {
            this.tracker = tracker;
            this.fingerprint = fingerprint;
            this.seen = seen;
        }

        public Seen seen() {
            return seen;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                tracker.end(fingerprint);
            }
        }
    }

    private static final class Stripe {
        final KeyTable table;
        long uses;
        long concurrent;
        long replays;

        Stripe(int max) {
            table = new KeyTable(max);
        }
    }

    public static final class Builder {
        private final String name;
        private final Kind kind;
        private Duration ttl = Duration.ofHours(24);
        private int maxKeys = 100_000;
        private int stripes = 16;

        private Builder(String name, Kind kind) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("idempotency tracker name '" + name
                        + "' must be 1 to 64 letters, digits or _.:- (it becomes the 'operation' tag)");
            }
            this.name = name;
            this.kind = kind;
        }

        /** How long a finished key counts for replays (default 24 h, as Stripe keeps keys). */
        public Builder ttl(Duration ttl) {
            if (ttl == null || ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("idempotency ttl must be above 0, was " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /** Keys remembered at most (default 100,000, about 6 MB allocated up front); the oldest are forgotten first. */
        public Builder maxKeys(int maxKeys) {
            if (maxKeys < 16 || maxKeys > 1 << 26) {
                throw new IllegalArgumentException("idempotency maxKeys must be between 16 and 67108864, was " + maxKeys);
            }
            this.maxKeys = maxKeys;
            return this;
        }

        public IdempotencyTracker build() {
            return new IdempotencyTracker(this);
        }
    }
}
