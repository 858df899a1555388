package dev.telltale.redis.internal;

import dev.telltale.core.DetectionContext;
import dev.telltale.core.Setting;
import dev.telltale.redis.RedisNode;
import dev.telltale.redis.RedisTarget;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The key walk of a one-shot check, shared by the key detectors of one target (big keys, hot keys, TTL
 * hygiene, streams, namespaces): one SCAN pass over every master until the keyspace is done or the check budget ends.
 * Per page, one script ({@link KeyFactsScript}; pipelined commands where scripts are refused) asks what every
 * subscribed detector needs (TYPE, MEMORY USAGE, PTTL, OBJECT FREQ or OBJECT IDLETIME, none of which touches the
 * key's LRU/LFU, and the O(1) element count, which does before 7.2); each detector
 * folds the answers into its own bounded summary (its top N), so memory does not grow with the keyspace.
 * The detectors subscribe when configured; in a report pass the first that runs walks, the others wait for
 * that walk (one walk per round, however many detectors read it).
 */
public final class KeyspaceWalk {
    public static final Setting<Duration> CHECK_BUDGET = Setting.duration("scan.check-budget", Duration.ofSeconds(60),
            "One-shot checks: wall-clock budget of the whole key walk of a target (every master, shared by the key "
                    + "detectors); when it ends first the run reports the part it covered.").above(Duration.ZERO);
    /** Default deadline of the key detectors: above the check budget, so the engine does not cancel a walk within it. */
    public static final Duration DETECTOR_TIMEOUT = Duration.ofSeconds(90);

    /**
     * What a subscriber needs per key besides its type: {@code FREQUENCY} is the LFU counter where the node's policy is
     * LFU, {@code IDLE} the idle seconds where it is not (the server keeps one or the other).
     */
    public enum Need { SIZE, TTL, FREQUENCY, IDLE }

    /** Which access counter of a node the walk reads per key, first of all its commands on the key. */
    public enum Recency {
        NONE, FREQUENCY, IDLE;

        /** What a node with this {@code maxmemory-policy} keeps that the readers need. */
        static Recency of(Set<Need> needs, String policy) {
            boolean lfu = policy.contains("lfu");
            return lfu && needs.contains(Need.FREQUENCY) ? FREQUENCY : !lfu && needs.contains(Need.IDLE) ? IDLE : NONE;
        }
    }

    /** A key detector reading the walk. */
    public interface Subscriber {
        Set<Need> needs();

        /** MEMORY USAGE samples, when {@link Need#SIZE} is needed. */
        default int memorySamples() {
            return 5;
        }

        /** This detector's {@code scan.check-budget}; the walk keeps to the smallest of its readers'. */
        default Duration checkBudget() {
            return CHECK_BUDGET.defaultValue();
        }

        /** A fresh summary for one node of one walk. */
        Fold fold(NodeClient node);
    }

    /** A subscriber's bounded summary of one node's keys; fed on the walking thread, read after the walk. */
    public interface Fold {
        void accept(List<KeyFacts> keys, long nowMillis);
    }

    /**
     * What the walk learned about one key; null where it was not asked or the key vanished.
     *
     * @param size elements (bytes for a string of at least {@link #STRLEN_ABOVE} bytes of memory)
     * @param idle seconds since the key was last read or written, before this walk reached it
     */
    public record KeyFacts(String key, String type, Long memory, Long size, Long ttl, Long frequency, Long idle) {
        static KeyFacts of(String key, String type, Long memory, Long size, Long ttl, Recency recency, Long access) {
            return new KeyFacts(key, type, memory, size, ttl, recency == Recency.FREQUENCY ? access : null,
                    recency == Recency.IDLE ? access : null);
        }
    }

    /** One finished walk: the folds of each subscriber per node address, and how much of the keyspace it covered. */
    public record Pass(long scanned, long total, boolean complete, Map<String, Map<Subscriber, Fold>> folds) {
        public Fold fold(NodeClient node, Subscriber s) {
            return folds.getOrDefault(node.node().address(), Map.of()).get(s);
        }

        /** Scanned of total; a finished walk covers the keyspace whatever DBSIZE said at its start. */
        public long coveredTotal() {
            return complete ? scanned : total;
        }
    }

    /** Strings using at least this much memory also get a STRLEN, for their exact length. */
    static final long STRLEN_ABOVE = 16 * 1024;

    private final RedisTarget target;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final Map<Subscriber, Integer> consumed = new IdentityHashMap<>();
    private final AtomicLong scannedSoFar = new AtomicLong();
    private volatile long totalSoFar;
    private int generation;
    private CompletableFuture<Pass> current;

    public KeyspaceWalk(RedisTarget target) {
        this.target = target;
    }

    /** Adds a detector to the walks that start from now on (called when it is configured and enabled). */
    public synchronized void subscribe(Subscriber s) {
        if (!subscribers.contains(s)) {
            subscribers.add(s);
        }
    }

    /**
     * The walk of this round: the one in progress or finished that {@code s} has not read yet, else a new one
     * walked on the caller's thread. Waiting callers report the walk's progress as their own.
     */
    public Pass join(DetectionContext ctx, Subscriber s) throws Exception {
        CompletableFuture<Pass> pass;
        boolean mine = false;
        synchronized (this) {
            boolean known = subscribers.contains(s);
            subscribe(s);
            if (current == null || !known || consumed.getOrDefault(s, 0) >= generation) {
                generation++;
                current = new CompletableFuture<>();
                mine = true;
            }
            consumed.put(s, generation);
            pass = current;
        }
        if (mine) {
            try {
                pass.complete(walk(ctx));
            } catch (Throwable t) {
                pass.completeExceptionally(t);
                throw t;
            }
        }
        while (true) {
            try {
                return pass.get(250, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                ctx.progress(scannedSoFar.get(), totalSoFar, "keys");
            } catch (ExecutionException e) {
                throw new IllegalStateException("the shared key walk of " + target.name() + " failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private Pass walk(DetectionContext ctx) throws Exception {
        long start = System.nanoTime();
        List<Subscriber> subs = List.copyOf(subscribers);
        long budget = Math.min(ctx.setting(CHECK_BUDGET).toNanos(), ctx.remaining().toNanos() * 9 / 10);
        for (Subscriber s : subs) {
            budget = Math.min(budget, s.checkBudget().toNanos());
        }
        long count = ctx.setting(KeyScanner.COUNT);
        Set<Need> needs = EnumSet.noneOf(Need.class);
        int samples = 1;
        for (Subscriber s : subs) {
            needs.addAll(s.needs());
            if (s.needs().contains(Need.SIZE)) {
                samples = Math.max(samples, s.memorySamples());
            }
        }
        List<NodeClient> masters = RedisTargetAccess.nodeClients(target).stream().filter(n -> n.node().role() == RedisNode.Role.MASTER).toList();
        long total = 0;
        for (NodeClient n : masters) {
            total += n.sync().dbsize();
        }
        totalSoFar = total;
        scannedSoFar.set(0);
        Map<String, Map<Subscriber, Fold>> folds = new HashMap<>();
        boolean complete = true;
        long lastProgress = 0;
        try {
            for (NodeClient node : masters) {
                Map<Subscriber, Fold> nodeFolds = new IdentityHashMap<>();
                subs.forEach(s -> nodeFolds.put(s, s.fold(node)));
                folds.put(node.node().address(), nodeFolds);
                Recency recency = needs.contains(Need.FREQUENCY) || needs.contains(Need.IDLE)
                        ? Recency.of(needs, node.info("memory").string("maxmemory_policy").orElse("")) : Recency.NONE;
                noTouch(node);
                KeyScanArgs args = KeyScanArgs.Builder.limit(count);
                KeyFactsScript script = new KeyFactsScript(node);
                boolean scripted = script.load();
                RedisFuture<KeyScanCursor<String>> next = System.nanoTime() - start < budget ? node.async().scan(ScanCursor.INITIAL, args) : null;
                boolean finished = false;
                List<String> waitingKeys = List.of();
                RedisFuture<List<Object>> waiting = null;
                while (next != null) {
                    KeyScanCursor<String> page = next.get(node.timeout().toNanos(), TimeUnit.NANOSECONDS);
                    finished = page.isFinished();
                    next = !finished && System.nanoTime() - start < budget ? node.async().scan(ScanCursor.of(page.getCursor()), args) : null;
                    List<String> keys = page.getKeys();
                    if (scripted) {
                        // two pages in the server's hands at once: this one's script is sent before the last one is read
                        RedisFuture<List<Object>> sent = keys.isEmpty() ? null : script.send(keys, needs, recency, samples);
                        if (waiting != null) {
                            feed(nodeFolds, script.read(waitingKeys, waiting, needs, recency), waitingKeys.size());
                        }
                        waitingKeys = keys;
                        waiting = sent;
                    } else if (!keys.isEmpty()) {
                        feed(nodeFolds, facts(node, keys, needs, recency, samples), keys.size()); // Batch counts its lookups
                    }
                    if (System.nanoTime() - lastProgress > 200_000_000L) {
                        lastProgress = System.nanoTime();
                        ctx.progress(scannedSoFar.get(), total, "keys");
                    }
                }
                if (waiting != null) {
                    feed(nodeFolds, script.read(waitingKeys, waiting, needs, recency), waitingKeys.size());
                }
                complete &= finished;
            }
        } finally {
            // a walk that stopped early leaves no page waited for
            masters.forEach(n -> n.ownLookups().abandon(n.node().address()));
        }
        ctx.progress(scannedSoFar.get(), Math.max(total, scannedSoFar.get()), "keys");
        return new Pass(scannedSoFar.get(), total, complete, folds);
    }

    /**
     * On 7.2+, {@code CLIENT NO-TOUCH ON}: the walk's element counts (HLEN, SCARD...) then leave the keys' LRU/LFU
     * as they were. Before 7.2 only TYPE, PTTL, OBJECT and MEMORY USAGE leave them; the counts run after OBJECT
     * FREQ has been read.
     */
    private static void noTouch(NodeClient node) {
        if (node.info("server").versionNumber() >= 702) {
            node.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).add("NO-TOUCH").add("ON"));
        }
    }

    /**
     * The keyspace hits and misses the per-key commands of one page make (as Redis 6.2 to 7.x count them: TYPE,
     * OBJECT FREQ, PTTL and the element counts count, MEMORY USAGE does not), for where the server's own counters
     * cannot be read around them.
     */
    static OwnLookups.Count lookups(int asked, List<KeyFacts> found, Set<Need> needs, Recency recency) {
        long object = recency == Recency.NONE ? 0 : 1; // OBJECT FREQ and OBJECT IDLETIME count as lookups
        long perMissing = 1 + object;
        long hits = 0;
        for (KeyFacts k : found) {
            hits += 1 + object + (needs.contains(Need.TTL) ? 1 : 0)
                    + (needs.contains(Need.SIZE) && sizeCommand(k.type(), k.memory()) != null ? 1 : 0);
        }
        return new OwnLookups.Count(hits, (asked - found.size()) * perMissing);
    }

    private void feed(Map<Subscriber, Fold> folds, List<KeyFacts> facts, int scanned) {
        long now = System.currentTimeMillis();
        for (Fold f : folds.values()) {
            f.accept(facts, now);
        }
        scannedSoFar.addAndGet(scanned);
    }

    /** Without scripts: two pipelined writes per page at most, everything that does not depend on the type, then the element counts. */
    /**
     * The facts of pages of keys that a detector's own SCAN found (a scheduled run, or the baseline pass of a
     * one-shot check), asked the way the shared walk asks them: one script per page whose lookups
     * {@link OwnLookups} places exactly among the server's counters, pipelined commands where scripts are refused.
     */
    static final class PageReader {
        private final NodeClient node;
        private final Set<Need> needs;
        private final KeyFactsScript script;
        private final boolean scripted;

        PageReader(NodeClient node, Set<Need> needs) {
            this.node = node;
            this.needs = needs;
            this.script = new KeyFactsScript(node);
            this.scripted = script.load();
        }

        List<KeyFacts> read(List<String> keys) throws Exception {
            return read(keys, Recency.NONE);
        }

        /** With the access counter the node keeps, read before anything else reaches the key. */
        List<KeyFacts> read(List<String> keys, Recency recency) throws Exception {
            return scripted ? script.read(keys, script.send(keys, needs, recency, 1), needs, recency)
                    : facts(node, keys, needs, recency, 1);
        }
    }

    private static List<KeyFacts> facts(NodeClient node, List<String> keys, Set<Need> needs, Recency recency, int samples) throws Exception {
        Batch batch = new Batch(node);
        int n = keys.size();
        List<Future<Long>> freq = new ArrayList<>(n);
        List<Future<String>> types = new ArrayList<>(n);
        List<Future<Long>> memory = new ArrayList<>(n);
        List<Future<Long>> ttls = new ArrayList<>(n);
        for (String k : keys) {
            // the access counter first, before anything else of this walk reaches the key
            freq.add(recency == Recency.FREQUENCY ? batch.objectFreq(k) : recency == Recency.IDLE ? batch.objectIdletime(k) : null);
            types.add(batch.type(k));
            memory.add(needs.contains(Need.SIZE) ? batch.memoryUsage(k, samples) : null);
            ttls.add(needs.contains(Need.TTL) ? batch.integer(CommandType.PTTL, k) : null);
        }
        batch.execute();
        List<Future<Long>> sizes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CommandType size = needs.contains(Need.SIZE) ? sizeCommand(value(types.get(i)), value(memory.get(i))) : null;
            sizes.add(size == null ? null : batch.integer(size, keys.get(i)));
        }
        batch.execute();
        List<KeyFacts> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String type = value(types.get(i));
            if (type == null || "none".equals(type)) {
                continue; // gone since SCAN
            }
            Long mem = value(memory.get(i));
            Long size = value(sizes.get(i));
            if (size == null && "string".equals(type)) {
                size = mem; // a small string's memory is within a few dozen bytes of its length
            }
            out.add(KeyFacts.of(keys.get(i), type, mem, size, value(ttls.get(i)), recency, value(freq.get(i))));
        }
        return out;
    }

    /** The O(1) element count of a type; STRLEN only for strings big enough to matter; null for module types. */
    static CommandType sizeCommand(String type, Long memory) {
        return switch (type == null ? "none" : type) {
            case "string" -> memory != null && memory >= STRLEN_ABOVE ? CommandType.STRLEN : null;
            case "hash" -> CommandType.HLEN;
            case "set" -> CommandType.SCARD;
            case "zset" -> CommandType.ZCARD;
            case "list" -> CommandType.LLEN;
            case "stream" -> CommandType.XLEN;
            default -> null;
        };
    }

    private static <T> T value(Future<T> f) {
        return f == null ? null : KeyScanner.value(f);
    }
}
