package dev.telltale.redis.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The namespaces of one node's walked keys: a prefix tree cut at {@code depth} levels whose nodes are kept in a
 * fixed-size Space-Saving summary weighted by memory (Metwally, Agrawal and El Abbadi, 2005). Each key adds its
 * MEMORY USAGE to every prefix of it that ends with a separator (never the whole name). While fewer than
 * {@code capacity} prefixes are known every count is exact; then a new prefix displaces the one with the least
 * memory and starts from that memory (its {@link Namespace#error()}), so a prefix's memory is over-estimated by at
 * most its error and any prefix holding more than a {@code 1 / capacity} share of the memory is never displaced.
 * Key counts, TTL counts and biggest keys are counted from when the prefix was last admitted (exact while its error
 * is 0). Memory: {@code capacity} entries of a few fields and {@code biggest} keys each, whatever the keyspace.
 */
final class NamespaceTree implements KeyspaceWalk.Fold {
    /** Where keys without any separator are counted (not a namespace, never reported as one). */
    static final String UNSEPARATED = "(no separator)";

    /** A key among the biggest of a namespace. */
    record Big(String key, long memory) {
    }

    /** One namespace as reported: memory (an upper bound, exact when {@code error} is 0) and what was counted since it was admitted. */
    record Namespace(String prefix, int depth, long memory, long error, long keys, long withoutTtl, List<Big> biggest) {
        long guaranteedMemory() {
            return memory - error;
        }

        double noTtlShare() {
            return keys == 0 ? 0 : (double) withoutTtl / keys;
        }
    }

    private static final class Entry {
        String prefix;
        int depth;
        long memory;
        long error;
        long keys;
        long withoutTtl;
        Big[] biggest;
        int biggestCount;
        int pos;
    }

    private final int capacity;
    private final String separators;
    private final int depth;
    private final int biggest;
    private final Map<String, Entry> entries = new HashMap<>();
    private final Entry[] heap; // min-heap by memory
    private int size;
    private long keys;
    private long memory;
    private long unseparatedKeys;

    NamespaceTree(int capacity, String separators, int depth, int biggest) {
        this.capacity = capacity;
        this.separators = separators;
        this.depth = depth;
        this.biggest = biggest;
        this.heap = new Entry[capacity];
    }

    @Override
    public void accept(List<KeyspaceWalk.KeyFacts> facts, long nowMillis) {
        for (KeyspaceWalk.KeyFacts k : facts) {
            if (k.memory() != null) {
                add(k.key(), k.memory(), k.ttl() != null && k.ttl() == -1);
            }
        }
    }

    void add(String key, long bytes, boolean withoutTtl) {
        keys++;
        memory += bytes;
        int level = 0;
        for (int i = 0; i < key.length() - 1 && level < depth; i++) {
            if (separators.indexOf(key.charAt(i)) >= 0) {
                level++;
                offer(key.substring(0, i + 1), level, key, bytes, withoutTtl);
            }
        }
        if (level == 0) {
            unseparatedKeys++;
        }
    }

    private void offer(String prefix, int level, String key, long bytes, boolean withoutTtl) {
        Entry e = entries.get(prefix);
        if (e == null) {
            if (size < capacity) {
                e = new Entry();
                e.biggest = new Big[biggest];
                e.pos = size;
                heap[size++] = e;
            } else {
                e = heap[0]; // the least memory: displaced, its memory becomes the newcomer's error
                entries.remove(e.prefix);
                e.error = e.memory;
                e.keys = 0;
                e.withoutTtl = 0;
                e.biggestCount = 0;
                Arrays.fill(e.biggest, null);
            }
            e.prefix = prefix;
            e.depth = level;
            entries.put(prefix, e);
        }
        e.memory += bytes;
        e.keys++;
        if (withoutTtl) {
            e.withoutTtl++;
        }
        keepBiggest(e, key, bytes);
        siftDown(e.pos);
        siftUp(e.pos);
    }

    private void keepBiggest(Entry e, String key, long bytes) {
        Big[] b = e.biggest;
        if (e.biggestCount == b.length && b[b.length - 1].memory() >= bytes) {
            return;
        }
        int i = e.biggestCount < b.length ? e.biggestCount++ : b.length - 1;
        while (i > 0 && b[i - 1].memory() < bytes) {
            b[i] = b[i - 1];
            i--;
        }
        b[i] = new Big(key, bytes);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (heap[parent].memory <= heap[i].memory) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int least = i;
            if (l < size && heap[l].memory < heap[least].memory) {
                least = l;
            }
            if (r < size && heap[r].memory < heap[least].memory) {
                least = r;
            }
            if (least == i) {
                return;
            }
            swap(i, least);
            i = least;
        }
    }

    private void swap(int a, int b) {
        Entry t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
        heap[a].pos = a;
        heap[b].pos = b;
    }

    /** Walked keys whose memory was read. */
    long keys() {
        return keys;
    }

    /** MEMORY USAGE summed over the walked keys. */
    long memory() {
        return memory;
    }

    long unseparatedKeys() {
        return unseparatedKeys;
    }

    /** The namespaces kept, most memory first. */
    List<Namespace> ranked() {
        List<Namespace> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Entry e = heap[i];
            out.add(new Namespace(e.prefix, e.depth, e.memory, e.error, e.keys, e.withoutTtl,
                    List.of(Arrays.copyOf(e.biggest, e.biggestCount))));
        }
        out.sort(Comparator.comparingLong(Namespace::memory).reversed().thenComparing(Namespace::prefix));
        return out;
    }
}
