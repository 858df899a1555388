package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisTarget;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stream consumer groups: pending (delivered, never acknowledged) entries that keep growing, and consumers
 * idle while they hold pending entries. Unacknowledged entries are delivered again (XCLAIM / XAUTOCLAIM),
 * so work done but not acked is done twice. Streams are found by the key walk (TYPE of each scanned key):
 * budgeted and resumable under the scheduler, the whole keyspace in a one-shot check. Every keyspace lookup this
 * makes (TYPE, XINFO) is told to {@link OwnLookups}, so the hit ratio redis.cache-efficiency judges leaves it out.
 */
public final class StreamsDetector extends KeyWalkDetector implements StreamsDetectorSpec {
    private long totalTruncated;
    private final Map<String, Long> lastPending = new HashMap<>();

    /** A detector reading the one-shot key walk it shares with the other key detectors of the target. */
    public StreamsDetector(RedisTarget target, KeyspaceWalk walk) {
        super(target, SPEC, walk, Set.of(), MAX_STREAMS, Found::new); // the walk reads every key's TYPE anyway
    }

    @Override
    protected void beforeNodes(DetectionContext ctx) {
        super.beforeNodes(ctx);
        totalTruncated = 0;
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) throws Exception {
        String address = node.node().address();
        Found streams;
        if (ctx.oneShot() && !ctx.baselinePass()) {
            streams = walked(ctx, node, out) instanceof Found f ? f : new Found(0);
        } else {
            Found found = new Found((int) (long) ctx.setting(MAX_STREAMS));
            // the baseline pass of a one-shot check: pending counts of the streams on a keyspace small enough to
            // walk quickly (on a big one, growth is left to scheduled runs)
            if (ctx.oneShot() && node.sync().dbsize() > ctx.setting(KeyScanner.KEYS)) {
                return;
            }
            // TYPE per key through the walk's page script rather than SCAN ... TYPE stream: the server counts a
            // keyspace lookup for every key SCAN TYPE examines, which we could not take out of the hit ratio
            KeyspaceWalk.PageReader pages = new KeyspaceWalk.PageReader(node, Set.of());
            KeyScanner.Walk w = scanner.walk(ctx, node, keys -> pages.read(keys).forEach(k -> found.add(k.key(), k.type())));
            if (!ctx.oneShot()) {
                coverKeys(out, w.passKeys(), w.total());
            }
            streams = found;
        }
        totalTruncated += streams.beyond;
        if (totalTruncated > 0) {
            out.truncated(totalTruncated);
        }
        long worst = 0;
        for (String stream : streams.names) {
            List<Object> groups;
            try {
                groups = node.sync().xinfoGroups(stream);
                own(node, 1, 0);
            } catch (io.lettuce.core.RedisCommandExecutionException e) {
                own(node, missing(e) ? 0 : 1, missing(e) ? 1 : 0);
                continue; // deleted or re-typed since the scan
            }
            for (Object g : groups) {
                Map<String, Object> group = pairs(g);
                String name = String.valueOf(group.get("name"));
                long pending = number(group.get("pending"));
                worst = Math.max(worst, pending);
                String key = address + " " + stream + " " + name;
                Long before = lastPending.put(key, pending);
                if (before == null && ctx.oneShot() && pending >= ctx.setting(PENDING_WARNING)) {
                    out.note(String.format("%s/%s holds %d pending entries; whether they grow is judged between two runs"
                            + " (a keyspace over %s.%s keys is not walked for the baseline of a one-shot check)",
                            stream, name, pending, ID, KeyScanner.KEYS.name()));
                }
                if (pending >= ctx.setting(PENDING_WARNING) && before != null && pending > before) {
                    out.finding(ctx.finding(Problem.DUPLICATE_EVENT_PROCESSING, Severity.WARNING,
                                    "group " + name + " of stream " + stream + " on " + address)
                            .summary(String.format("Consumer group %s of stream %s has %d pending entries, up from %d",
                                    name, stream, pending, before))
                            .evidence("stream", stream).evidence("group", name).evidence("pending", pending)
                            .evidence("pending_before", before).evidence("consumers", number(group.get("consumers")))
                            .evidence("lag", group.containsKey("lag") ? String.valueOf(group.get("lag")) : null)
                            .hint("consumers read but do not XACK (crashes, errors): entries are redelivered and processed"
                                    + " again; make the handler idempotent and ack after it succeeds"));
                }
                idleConsumers(ctx, node, stream, name, out);
            }
        }
        out.signal(PENDING, worst, tags(node));
    }

    private void idleConsumers(DetectionContext ctx, NodeClient node, String stream, String group, Detection.Builder out) {
        List<Object> consumers;
        try {
            consumers = node.sync().xinfoConsumers(stream, group);
            own(node, 1, 0);
        } catch (io.lettuce.core.RedisCommandExecutionException e) {
            own(node, missing(e) ? 0 : 1, missing(e) ? 1 : 0);
            return; // the stream or the group went away since XINFO GROUPS
        }
        for (Object c : consumers) {
            Map<String, Object> consumer = pairs(c);
            long idle = number(consumer.get("idle"));
            long pending = number(consumer.get("pending"));
            if (pending > 0 && idle >= ctx.setting(IDLE_WARNING).toMillis()) {
                String name = String.valueOf(consumer.get("name"));
                out.finding(ctx.finding(Problem.DUPLICATE_EVENT_PROCESSING, Severity.WARNING,
                                "consumer " + name + " of group " + group + " of stream " + stream + " on " + node.node().address())
                        .summary(String.format("Consumer %s of %s/%s has been idle %d s holding %d pending entries",
                                name, stream, group, idle / 1000, pending))
                        .evidence("stream", stream).evidence("group", group).evidence("consumer", name)
                        .evidence("idle_ms", idle).evidence("pending", pending)
                        .hint("a dead consumer: claim its entries (XAUTOCLAIM) and delete it (XGROUP DELCONSUMER)"));
            }
        }
    }

    /**
     * XINFO looks its key up the way a client's read does (a keyspace hit, or a miss for a stream deleted since
     * the scan): told to {@link OwnLookups} so that redis.cache-efficiency leaves it out. Its place among other
     * clients' lookups is unknown, so it goes to the next window read, as the pipelined walk's lookups do.
     */
    private static void own(NodeClient node, long hits, long misses) {
        node.ownLookups().settled(node.node().address(), hits, misses, -1);
    }

    /** A missing key fails XINFO before any lookup hit; a wrong type or a missing group fails after it. */
    private static boolean missing(io.lettuce.core.RedisCommandExecutionException e) {
        return e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("no such key");
    }

    /** The streams of one node's walked keys, the first max-streams of them; how many more there were. */
    static final class Found implements KeyspaceWalk.Fold {
        final List<String> names = new ArrayList<>();
        long beyond;
        private final int max;

        Found(int max) {
            this.max = max;
        }

        @Override
        public void accept(List<KeyspaceWalk.KeyFacts> keys, long nowMillis) {
            keys.forEach(k -> add(k.key(), k.type()));
        }

        void add(String key, String type) {
            if ("stream".equals(type)) {
                if (names.size() < max) {
                    names.add(key);
                } else {
                    beyond++;
                }
            }
        }
    }

    private static Map<String, Object> pairs(Object raw) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (raw instanceof List<?> l) {
            for (int i = 0; i + 1 < l.size(); i += 2) {
                out.put(String.valueOf(l.get(i)), l.get(i + 1));
            }
        } else if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
        }
        return out;
    }

    private static long number(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        try {
            return o == null ? 0 : Long.parseLong(String.valueOf(o));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
