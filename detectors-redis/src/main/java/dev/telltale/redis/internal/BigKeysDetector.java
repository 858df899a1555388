package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisTarget;
import io.lettuce.core.protocol.CommandType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * Big keys, like {@code redis-cli --bigkeys/--memkeys} but budgeted and resumable: SCAN, then per batch
 * pipelined TYPE, then pipelined O(1) size commands (STRLEN, HLEN, SCARD, ZCARD, LLEN, XLEN) and
 * {@code MEMORY USAGE key SAMPLES n}. Keeps the top keys per type of the current pass merged with the last
 * completed one, and reports keys over RedisInsight's size thresholds. Scans masters only. A one-shot check
 * reads the whole keyspace instead (within {@code scan.check-budget}), through the walk it shares with the
 * target's other key detectors, and states the part it covered.
 */
public final class BigKeysDetector extends KeyWalkDetector implements BigKeysDetectorSpec {
    private static final List<String> TYPES = List.of("string", "hash", "set", "zset", "list", "stream");

    private volatile int samples = 5;
    private final Map<String, Pass> current = new HashMap<>();
    private final Map<String, Pass> completed = new HashMap<>();

    /** A detector reading the one-shot key walk it shares with the other key detectors of the target. */
    public BigKeysDetector(RedisTarget target, KeyspaceWalk walk) {
        super(target, SPEC, walk, Set.of(KeyspaceWalk.Need.SIZE), TOP, Pass::new);
    }

    @Override
    protected void configureKeys(DetectorSettings settings) {
        samples = (int) (long) settings.get(SAMPLES);
    }

    @Override
    protected int memorySamples() {
        return samples;
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) throws Exception {
        if (ctx.oneShot() && ctx.baselinePass()) {
            return; // sizes need no baseline; scan once, in the reported pass
        }
        String address = node.node().address();
        int top = (int) (long) ctx.setting(TOP);
        Pass report;
        if (ctx.oneShot()) {
            Pass pass = (Pass) walked(ctx, node, out);
            report = pass == null ? new Pass() : pass;
            report.complete = walkComplete();
            out.signal(SCANNED, report.scanned, tags(node));
        } else {
            int samples = (int) (long) ctx.setting(SAMPLES);
            Pass pass = current.computeIfAbsent(address, a -> new Pass());
            KeyScanner.Walk walk = scanner.walk(ctx, node, keys -> measure(node, keys, samples, pass, top));
            out.signal(SCANNED, walk.keys(), tags(node));
            coverKeys(out, walk.passKeys(), walk.total());
            report = pass.merge(completed.get(address), top);
            report.complete |= walk.passCompleted();
            if (walk.passCompleted()) {
                completed.put(address, pass);
                current.remove(address);
            }
        }
        Map<String, Long> limits = Map.of("string", ctx.setting(STRING_BYTES), "hash", ctx.setting(HASH_FIELDS),
                "set", ctx.setting(SET_MEMBERS), "zset", ctx.setting(ZSET_MEMBERS), "list", ctx.setting(LIST_ITEMS),
                "stream", ctx.setting(STREAM_ENTRIES));
        long memLimit = ctx.setting(MEMORY_WARNING);
        Map<String, Key> reported = new LinkedHashMap<>();
        for (String type : TYPES) {
            List<Key> keys = report.byType.getOrDefault(type, List.of());
            for (int i = 0; i < keys.size(); i++) {
                out.signal(BIGGEST, keys.get(i).size(), tags(node, type, String.valueOf(i + 1)));
                if (keys.get(i).size() >= limits.get(type) || keys.get(i).memory() >= memLimit) {
                    reported.put(keys.get(i).name(), keys.get(i));
                }
            }
        }
        for (int i = 0; i < report.byMemory.size(); i++) {
            Key k = report.byMemory.get(i);
            out.signal(BIGGEST_MEMORY, k.memory(), tags(node, String.valueOf(i + 1)));
            if (k.memory() >= memLimit) {
                reported.putIfAbsent(k.name(), k);
            }
        }
        for (Key k : reported.values()) {
            long limit = limits.get(k.type());
            boolean huge = k.size() >= 10 * limit || k.memory() >= 10 * memLimit;
            String unit = k.type().equals("string") ? "bytes" : elementsOf(k.type());
            out.finding(ctx.finding(Problem.SLOW_QUERIES, huge ? Severity.CRITICAL : Severity.WARNING, "key " + keyName(k.name()) + " on " + address)
                    .summary(String.format("Big %s %s on Redis %s: %,d %s, %s in memory", k.type(), keyName(k.name()), address, k.size(), unit,
                            MemoryDetector.mb(k.memory())))
                    .evidence("key", keyName(k.name())).evidence("type", k.type()).evidence("size", k.size()).evidence("unit", unit)
                    .evidence("memory_bytes", k.memory()).evidence("threshold", limit)
                    .evidence("scan_pass_complete", report.complete)
                    .hint("whole-key commands on it (HGETALL, SMEMBERS, DEL, a migration or an eviction) block the server and"
                            + " its node gets the traffic of every caller: split it by a sub-key, or trim it"));
        }
    }

    private static String elementsOf(String type) {
        return switch (type) {
            case "hash" -> "fields";
            case "list" -> "items";
            case "stream" -> "entries";
            default -> "members";
        };
    }

    /**
     * Two writes per page at most: TYPE and MEMORY USAGE of every key together (neither depends on the
     * type), then the element count of the non-strings and the exact length of the few big strings.
     */
    private void measure(NodeClient node, List<String> keys, int samples, Pass pass, int top) throws Exception {
        Batch batch = new Batch(node);
        List<Future<String>> types = new ArrayList<>(keys.size());
        List<Future<Long>> memory = new ArrayList<>(keys.size());
        for (String k : keys) {
            types.add(batch.type(k));
            memory.add(batch.memoryUsage(k, samples));
        }
        batch.execute();
        List<Future<Long>> sizes = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String type = KeyScanner.value(types.get(i));
            Long mem = KeyScanner.value(memory.get(i));
            CommandType size = KeyspaceWalk.sizeCommand(type, mem);
            sizes.add(size == null ? null : batch.integer(size, keys.get(i)));
        }
        batch.execute();
        for (int i = 0; i < keys.size(); i++) {
            String type = KeyScanner.value(types.get(i));
            Long mem = KeyScanner.value(memory.get(i));
            if (type == null || mem == null || !TYPES.contains(type)) {
                continue;
            }
            // a string under STRLEN_ABOVE is ranked by its memory, which is within a few dozen bytes of its length
            Long size = sizes.get(i) != null ? KeyScanner.value(sizes.get(i)) : "string".equals(type) ? mem : null;
            if (size != null) {
                pass.offer(new Key(keys.get(i), type, size, mem), top);
            }
        }
    }

    /** A measured key. */
    record Key(String name, String type, long size, long memory) {
    }

    /** The biggest keys seen in one pass over the keyspace (bounded: top N per type and by memory). */
    static final class Pass implements KeyspaceWalk.Fold {
        final Map<String, List<Key>> byType = new HashMap<>();
        List<Key> byMemory = new ArrayList<>();
        boolean complete;
        private final int top;
        long scanned;

        Pass() {
            this(0);
        }

        Pass(int top) {
            this.top = top;
        }

        /** Keys of the shared one-shot walk. */
        @Override
        public void accept(List<KeyspaceWalk.KeyFacts> keys, long nowMillis) {
            for (KeyspaceWalk.KeyFacts k : keys) {
                scanned++;
                if (k.memory() != null && k.size() != null && TYPES.contains(k.type())) {
                    offer(new Key(k.key(), k.type(), k.size(), k.memory()), top);
                }
            }
        }

        void offer(Key k, int top) {
            List<Key> list = byType.computeIfAbsent(k.type(), t -> new ArrayList<>());
            insert(list, k, Comparator.comparingLong(Key::size).reversed(), top);
            insert(byMemory, k, Comparator.comparingLong(Key::memory).reversed(), top);
        }

        private static void insert(List<Key> list, Key k, Comparator<Key> order, int top) {
            list.removeIf(x -> x.name().equals(k.name()));
            if (list.size() < top || order.compare(k, list.get(list.size() - 1)) < 0) {
                list.add(k);
                list.sort(order);
                if (list.size() > top) {
                    list.remove(list.size() - 1);
                }
            }
        }

        /** This pass with the last completed one underneath: keys not yet reached in this pass still count. */
        Pass merge(Pass previous, int top) {
            Pass out = new Pass();
            out.complete = previous != null;
            if (previous != null) {
                previous.byType.values().forEach(l -> l.forEach(k -> out.offer(k, top)));
                previous.byMemory.forEach(k -> out.offer(k, top));
            }
            byType.values().forEach(l -> l.forEach(k -> out.offer(k, top)));
            byMemory.forEach(k -> out.offer(k, top));
            return out;
        }
    }
}
