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

    private final String name;
    private final boolean implicit;
    private volatile boolean longRunning;
    private volatile boolean ended;
    private Fingerprint[] keys;
    private int[] counts;
    private long[] nanos;
    private int[] firstParams;
    private boolean[] varied;
    private int size;

    public WorkState(String name, boolean implicit) {
        this.name = name;
        this.implicit = implicit;
    }

    public String name() {
        return name;
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
                if (!varied[i] && firstParams[i] != paramHash) {
                    varied[i] = true;
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
                firstParams[i] = paramHash;
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
        firstParams = new int[capacity];
        varied = new boolean[capacity];
        size = 0;
    }

    private void grow() {
        Fingerprint[] k = keys;
        int[] c = counts;
        long[] t = nanos;
        int[] p = firstParams;
        boolean[] v = varied;
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
                firstParams[i] = p[j];
                varied[i] = v[j];
                size++;
            }
        }
    }

    /** A repeated shape of this unit. */
    public record Repeat(Fingerprint fingerprint, int count, long totalNanos) {
    }

    /**
     * Ends the unit and returns the shapes run at least {@code minCount} times with more than one
     * parameter set and at least {@code minTotalNanos} in total. Idempotent: a second call returns nothing.
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
            if (keys[i] != null && counts[i] >= minCount && varied[i] && nanos[i] >= minTotalNanos) {
                out.add(new Repeat(keys[i], counts[i], nanos[i]));
            }
        }
        keys = null;
        counts = null;
        nanos = null;
        firstParams = null;
        varied = null;
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
