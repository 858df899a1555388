package dev.telltale.jvm.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cumulative statement counters shared by every wrapped data source: errors by SQLSTATE (a fixed set of
 * meaningful states plus "other"), slow statements and shapes run without a query timeout, each kept for
 * at most {@code capacity} fingerprints.
 */
public final class StatementStats {
    /** The SQLSTATEs counted one by one; every other state counts as {@code other}. */
    public static final List<String> STATES = List.of("40P01", "40001", "23505", "57014");

    private final LongAdder[] errors = new LongAdder[STATES.size() + 1];
    private final LongAdder slow = new LongAdder();
    private final int capacity;
    private final Map<Long, Shape> slowShapes = new HashMap<>();
    private final Map<Long, Shape> errorShapes = new HashMap<>();
    private final Map<Long, Fingerprint> withoutTimeout = new HashMap<>();
    private volatile long slowNanos = 1_000_000_000L;

    /** A statement shape with a running count and the worst time seen. */
    public record Shape(Fingerprint fingerprint, String detail, long count, long maxNanos) {
    }

    public StatementStats(int capacity) {
        this.capacity = capacity;
        for (int i = 0; i < errors.length; i++) {
            errors[i] = new LongAdder();
        }
    }

    public void slowThreshold(long nanos) {
        this.slowNanos = nanos;
    }

    public void executed(Fingerprint f, long nanos, Throwable thrown) {
        if (nanos >= slowNanos) {
            slow.increment();
            remember(slowShapes, f, "slow", nanos);
        }
        if (thrown != null) {
            failed(f, thrown, nanos);
        }
    }

    /** An error outside a statement: a commit refused with 40001, for one. */
    public void failed(Fingerprint f, Throwable thrown, long nanos) {
        String state = sqlState(thrown);
        int i = STATES.indexOf(state);
        errors[i < 0 ? STATES.size() : i].increment();
        remember(errorShapes, f, state == null ? "none" : state, nanos);
    }

    public void withoutTimeout(Fingerprint f) {
        synchronized (withoutTimeout) {
            if (withoutTimeout.size() < capacity) {
                withoutTimeout.put(f.id(), f);
            }
        }
    }

    private void remember(Map<Long, Shape> shapes, Fingerprint f, String detail, long nanos) {
        synchronized (shapes) {
            Shape s = shapes.get(f.id());
            if (s == null && shapes.size() >= capacity) {
                // Keep the worst: replace the least frequent shape.
                shapes.values().stream().min(Comparator.comparingLong(Shape::count))
                        .ifPresent(least -> shapes.remove(least.fingerprint().id()));
            }
            shapes.put(f.id(), s == null ? new Shape(f, detail, 1, nanos)
                    : new Shape(f, detail, s.count() + 1, Math.max(s.maxNanos(), nanos)));
        }
    }

    /** Errors so far by SQLSTATE, in the order of {@link #STATES}, then other. */
    public long[] errorCounts() {
        long[] out = new long[errors.length];
        for (int i = 0; i < errors.length; i++) {
            out[i] = errors[i].sum();
        }
        return out;
    }

    public long slowCount() {
        return slow.sum();
    }

    public List<Shape> slowShapes() {
        synchronized (slowShapes) {
            return new ArrayList<>(slowShapes.values());
        }
    }

    public List<Shape> errorShapes() {
        synchronized (errorShapes) {
            return new ArrayList<>(errorShapes.values());
        }
    }

    public List<Fingerprint> shapesWithoutTimeout() {
        synchronized (withoutTimeout) {
            return new ArrayList<>(withoutTimeout.values());
        }
    }

    /** The first SQLSTATE in the cause chain, or null. */
    static String sqlState(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && e.getSQLState() != null) {
                return e.getSQLState();
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
