package dev.telltale.postgres.internal;

import dev.telltale.core.DetectionTimeoutException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Reads of server-wide views ({@code pg_stat_statements}, {@code pg_stat_activity}, {@code pg_locks}, the
 * checkpointer's counters, {@code pg_stat_replication}) shared by the targets of one fleet
 * ({@link dev.telltale.postgres.PostgresFleet}) that reach the same server: a fleet watching a hundred databases of
 * one server reads each such view once per interval, not a hundred times.
 *
 * <p>An entry is keyed by the server (its system identifier, the address and port it answers on and its start time:
 * {@link QueryRunner}) and the view with its parameters. The first target to need it reads it on its own connection,
 * inside its own transaction, under its own deadline and row cap; targets that come while the read is going wait for
 * it within their budget. A result is handed on while it is younger than the reader's interval, and never twice to
 * the same reader: a detector that computes a delta always gets a newer sample than its last one (a second pass of
 * a one-shot check, a retry, a target with a shorter interval read again). Readers filter what they get to their own
 * database. Each result carries the time it was read, which delta detectors use as their sample's time.
 */
public final class ServerViews {
    /** Entries not read again within this many reader intervals are dropped (a view no detector reads any more). */
    private static final int KEEP_INTERVALS = 4;

    /** A server-wide result and when it was read; {@code fresh} when this reader's own transaction read it. */
    public record Shared<T>(T value, Instant readAt, boolean fresh) {
    }

    private static final class Entry {
        /** The read going on, if any: the targets that need it meanwhile wait for it. */
        CompletableFuture<Void> reading;
        Object value;
        long readNanos;
        Instant readAt;
        final Set<Object> readers = Collections.newSetFromMap(new IdentityHashMap<>());
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** The databases the fleet's targets are connected to, by server. */
    private final Map<String, Set<String>> watched = new ConcurrentHashMap<>();
    private final Clock clock;
    private final LongAdder reads = new LongAdder();
    private final LongAdder shared = new LongAdder();

    public ServerViews(Clock clock) {
        this.clock = clock;
    }

    /**
     * The value of {@code view} on {@code server}: the latest read when it is younger than {@code maxAge} and
     * {@code reader} has not had it yet, else a new one made by {@code read} (on the caller's transaction).
     *
     * @param deadlineNanos {@link System#nanoTime()} past which the caller stops waiting for another target's read
     */
    <T> Shared<T> get(String server, String view, Object reader, Duration maxAge, long deadlineNanos, Supplier<T> read) {
        String key = server + "\u0000" + view;
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        while (true) {
            CompletableFuture<Void> going;
            boolean mine = false;
            synchronized (e) {
                Shared<T> hit = handOn(e, reader, maxAge);
                if (hit != null) {
                    return hit;
                }
                if (e.reading == null) {
                    e.reading = new CompletableFuture<>();
                    mine = true;
                }
                going = e.reading;
            }
            if (mine) {
                return readFor(e, reader, going, maxAge, read);
            }
            // another target is reading it: every waiter wakes when it ends, then takes the result or reads itself
            long wait = deadlineNanos - System.nanoTime();
            try {
                going.get(Math.max(1, wait), TimeUnit.NANOSECONDS);
            } catch (TimeoutException te) {
                throw new DetectionTimeoutException("another target's read of " + view + " on the same server did not end "
                        + "within this run's budget");
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new DetectionTimeoutException("interrupted while another target read " + view, ie);
            } catch (ExecutionException ignored) {
                // its read failed: this reader tries its own
            }
        }
    }

    private <T> Shared<T> readFor(Entry e, Object reader, CompletableFuture<Void> going, Duration maxAge, Supplier<T> read) {
        try {
            T value = read.get();
            Instant at = clock.instant();
            synchronized (e) {
                e.value = value;
                e.readNanos = System.nanoTime();
                e.readAt = at;
                e.readers.clear();
                e.readers.add(reader);
            }
            reads.increment();
            forgetOlderThan(maxAge.multipliedBy(KEEP_INTERVALS));
            return new Shared<>(value, at, true);
        } finally {
            synchronized (e) {
                e.reading = null;
            }
            going.complete(null);
        }
    }

    /** The entry's result for {@code reader} when it is young enough and new to it; null otherwise. */
    @SuppressWarnings("unchecked")
    private <T> Shared<T> handOn(Entry e, Object reader, Duration maxAge) {
        synchronized (e) {
            if (e.value != null && System.nanoTime() - e.readNanos < maxAge.toNanos() && e.readers.add(reader)) {
                shared.increment();
                return new Shared<>((T) e.value, e.readAt, false);
            }
            return null;
        }
    }

    /** Notes that a target of the fleet is connected to {@code database} on {@code server}. */
    void watch(String server, String database) {
        watched.computeIfAbsent(server, k -> ConcurrentHashMap.newKeySet()).add(database);
    }

    /**
     * Whether a row of a server-wide view that belongs to {@code rowDatabase} is for the target connected to
     * {@code database}: its own database's rows are; so are the rows of a database no target of the fleet watches (and
     * of none, a background process's), for the target whose database comes first by name, so that they are reported
     * once and not by every target.
     */
    boolean owns(String server, String database, String rowDatabase) {
        if (database.equals(rowDatabase)) {
            return true;
        }
        Set<String> all = watched.getOrDefault(server, Set.of());
        if (rowDatabase != null && all.contains(rowDatabase)) {
            return false;
        }
        return all.stream().min(String::compareTo).map(database::equals).orElse(true);
    }

    private void forgetOlderThan(Duration age) {
        long now = System.nanoTime();
        entries.values().removeIf(x -> {
            synchronized (x) {
                return x.value != null && x.reading == null && now - x.readNanos > age.toNanos();
            }
        });
    }

    /** Reads made so far, and results handed on instead of being read again. */
    public Stats stats() {
        return new Stats(reads.sum(), shared.sum());
    }

    /** @param reads views read from a server, @param shared results handed on to another reader */
    public record Stats(long reads, long shared) {
    }

    /**
     * One target's way to its fleet's shared reads: the views, the key of the server its connection reached, and how a
     * finding about the server names it (the address and port it answered on, its system identifier).
     */
    record Scope(ServerViews views, String server, String address, String systemIdentifier) {
    }
}
