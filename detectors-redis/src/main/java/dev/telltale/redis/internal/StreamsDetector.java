package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;
import dev.telltale.redis.RedisNode;
import dev.telltale.redis.RedisTarget;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stream consumer groups: pending (delivered, never acknowledged) entries that keep growing, and consumers
 * idle while they hold pending entries. Unacknowledged entries are delivered again (XCLAIM / XAUTOCLAIM),
 * so work done but not acked is done twice. Streams are found by SCAN TYPE stream within the scan budget.
 */
public final class StreamsDetector extends RedisDetector {
    public static final String ID = "redis.streams";
    static final Setting<Long> PENDING_WARNING = Setting.count("pending.warning", 1_000,
            "Pending entries of a group that raise a warning when they grew since the last run.");
    static final Setting<Duration> IDLE_WARNING = Setting.duration("idle.warning", Duration.ofMinutes(5),
            "A consumer idle this long while holding pending entries raises a warning.");
    static final Setting<Long> MAX_STREAMS = Setting.count("max-streams", 100, "Streams inspected per run and node.");

    static final SignalSpec PENDING = SignalSpec.of("redis.streams.pending_max", "entries",
            "The most pending entries of any consumer group on the node.", "node", "role");

    public static final DetectorSpec SPEC = DetectorSpec.builder(ID)
            .summary("Stream consumer groups whose pending entries keep growing, and consumers idle while they "
                    + "hold pending entries.")
            .problems(Problem.DUPLICATE_EVENT_PROCESSING)
            .interval(Duration.ofMinutes(1))
            .settings(PENDING_WARNING, IDLE_WARNING, MAX_STREAMS, KeyScanner.KEYS, KeyScanner.TIME, KeyScanner.COUNT)
            .signals(PENDING)
            .build();

    private final KeyScanner scanner = new KeyScanner();
    private final Map<String, Long> lastPending = new HashMap<>();

    public StreamsDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected boolean appliesTo(NodeClient node) {
        return node.node().role() == RedisNode.Role.MASTER;
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) throws Exception {
        String address = node.node().address();
        Map<String, Boolean> streams = new LinkedHashMap<>();
        long max = ctx.setting(MAX_STREAMS);
        scanner.walk(ctx, node, "stream", keys -> keys.stream().limit(Math.max(0, max - streams.size()))
                .forEach(k -> streams.put(k, true)));
        long worst = 0;
        for (String stream : streams.keySet()) {
            List<Object> groups;
            try {
                groups = node.sync().xinfoGroups(stream);
            } catch (io.lettuce.core.RedisCommandExecutionException e) {
                continue; // deleted or re-typed since the scan
            }
            for (Object g : groups) {
                Map<String, Object> group = pairs(g);
                String name = String.valueOf(group.get("name"));
                long pending = number(group.get("pending"));
                worst = Math.max(worst, pending);
                String key = address + " " + stream + " " + name;
                Long before = lastPending.put(key, pending);
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
        for (Object c : node.sync().xinfoConsumers(stream, group)) {
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
