package dev.telltale.jvm.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The statements of one unit of work, by fingerprint: a small open-addressing table allocated on the
 * first statement and grown rarely, so recording a statement allocates nothing. Synchronised because a
 * unit handed to other threads records from several of them (uncontended in the common case).
 */
public final class WorkState {
    /** A unit with more distinct statement shapes than this stops adding new ones; they could not be N+1 anyway. */
    static final int MAX_SHAPES = 512;

    private volatile String name;
    private final boolean implicit;
    /** The public handle of this state, when a {@code UnitOfWork} opened it. */
    private volatile Object handle;
    private volatile boolean longRunning;
    private volatile boolean ended;
    private Fingerprint[] keys;
    private int[] counts;
    private long[] nanos;
    private int[] lastParams;
    /** Per shape, 1 + how often its parameters differed from the execution before: distinct rows in a loop. */
    private int[] distinct;
    private int size;

    public WorkState(String name, boolean implicit) {
        this.name = name;
        this.implicit = implicit;
    }

    public String name() {
        return name;
    }

    /** Names the unit anew: for servers that learn the route after the unit opened. */
    public void rename(String name) {
        this.name = name;
    }

    public Object handle() {
        return handle;
    }

    public void handle(Object handle) {
        this.handle = handle;
    }

    public boolean implicit() {
        return implicit;
    }

    public boolean longRunning() {
        return longRunning;
    }

    public void markLongRunning() {
        longRunning = true;
    }

    public boolean ended() {
        return ended;
    }

    /** Records one executed statement of shape {@code f}; {@code paramHash} tells parameter sets apart. */
    public synchronized void record(Fingerprint f, long elapsedNanos, int paramHash) {
        if (ended) {
            return;
        }
        if (keys == null) {
            allocate(16);
        }
        int mask = keys.length - 1;
        int i = (int) (f.id() * 0x9E3779B97F4A7C15L >>> 40) & mask;
        while (true) {
            Fingerprint k = keys[i];
            if (k == f) {
                counts[i]++;
                nanos[i] += elapsedNanos;
                if (lastParams[i] != paramHash) {
                    lastParams[i] = paramHash;
                    distinct[i]++;
                }
                return;
            }
            if (k == null) {
                if (size >= MAX_SHAPES) {
                    return;
                }
                keys[i] = f;
                counts[i] = 1;
                nanos[i] = elapsedNanos;
                lastParams[i] = paramHash;
                distinct[i] = 1;
                size++;
                if (size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    private void allocate(int capacity) {
        keys = new Fingerprint[capacity];
        counts = new int[capacity];
        nanos = new long[capacity];
        lastParams = new int[capacity];
        distinct = new int[capacity];
        size = 0;
    }

    private void grow() {
        Fingerprint[] k = keys;
        int[] c = counts;
        long[] t = nanos;
        int[] p = lastParams;
        int[] v = distinct;
        allocate(k.length * 2);
        int mask = keys.length - 1;
        for (int j = 0; j < k.length; j++) {
            if (k[j] != null) {
                int i = (int) (k[j].id() * 0x9E3779B97F4A7C15L >>> 40) & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = k[j];
                counts[i] = c[j];
                nanos[i] = t[j];
                lastParams[i] = p[j];
                distinct[i] = v[j];
                size++;
            }
        }
    }

    /** A repeated shape of this unit. */
    public record Repeat(Fingerprint fingerprint, int count, long totalNanos) {
    }

    /**
     * Ends the unit and returns the shapes run at least {@code minCount} times with a different parameter
     * set each time (at least {@code minCount} changes of parameters, so a loop over distinct rows and not
     * the same lookup again and again) and at least {@code minTotalNanos} in total. Idempotent: a second
     * call returns nothing.
     */
    public synchronized List<Repeat> end(int minCount, long minTotalNanos) {
        if (ended) {
            return List.of();
        }
        ended = true;
        if (keys == null) {
            return List.of();
        }
        List<Repeat> out = new ArrayList<>(0);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null && counts[i] >= minCount && distinct[i] >= minCount && nanos[i] >= minTotalNanos) {
                out.add(new Repeat(keys[i], counts[i], nanos[i]));
            }
        }
        keys = null;
        counts = null;
        nanos = null;
        lastParams = null;
        distinct = null;
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
