package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Server-side latency. With the latency monitor on ({@code latency-monitor-threshold > 0}): the spikes of
 * LATENCY LATEST newer than the last seen per event (command, fork, expire-cycle, eviction, aof...). With it
 * off (the default): per-command percentiles (Redis 7.0+) of the calls made between two runs, from the
 * difference of the two runs' {@code LATENCY HISTOGRAM} counts; the server's since-start percentiles (INFO
 * latencystats) would keep one old spike "current" forever, so they are never used as such, and the first
 * run (or the baseline pass of a one-shot check) only takes the sample. Every finding says which source it read; on 6.x with the monitor off the run is skipped with how to turn it on.
 */
public final class LatencyDetector extends RedisDetector implements LatencyDetectorSpec {
    private static final List<String> OWN = List.of("info", "slowlog", "latency", "config", "client", "scan", "memory",
            "object", "type", "cluster", "command", "ping", "pttl", "xinfo");

    private static final ProtocolKeyword LATENCY = new ProtocolKeyword() {
        @Override
        public byte[] getBytes() {
            return "LATENCY".getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() {
            return "LATENCY";
        }
    };

    private final Map<String, Long> lastSpike = new HashMap<>();
    private final Map<String, Map<String, LatencyHistogram>> lastHistograms = new HashMap<>();

    public LatencyDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        long threshold = node.config("latency-monitor-threshold").map(Long::parseLong).orElse(-1L);
        List<Object> latest = threshold == 0 ? List.of() : node.latencyLatest();
        if (threshold > 0 || !latest.isEmpty()) {
            monitor(ctx, node, latest, threshold, out);
            return;
        }
        String server = node.sync().info("server");
        RedisInfo info = RedisInfo.parse(server);
        if (info.versionNumber() >= 700) {
            info = RedisInfo.parse(server + "\n" + node.sync().info("latencystats"));
        }
        if (info.versionNumber() < 700 || info.section("latencystats").isEmpty()) {
            throw new DetectionSkippedException("latency monitor is off on " + node.node().address() + " (Redis " + info.version()
                    + ", latency-monitor-threshold 0) and per-command percentiles need Redis 7.0: run"
                    + " CONFIG SET latency-monitor-threshold 100 (ms) to record spikes");
        }
        percentiles(ctx, node, out);
    }

    private void monitor(DetectionContext ctx, NodeClient node, List<Object> latest, long threshold, Detection.Builder out) {
        String address = node.node().address();
        long warn = ctx.setting(WARNING).toMillis();
        long crit = ctx.setting(CRITICAL).toMillis();
        long since = ctx.now().minus(ctx.setting(LOOKBACK)).getEpochSecond();
        for (Object row : latest) {
            List<?> f = (List<?>) row;
            String event = String.valueOf(f.get(0));
            long at = ((Number) f.get(1)).longValue();
            long lastMs = ((Number) f.get(2)).longValue();
            long maxMs = ((Number) f.get(3)).longValue();
            out.signal(SPIKE, lastMs / 1000.0, tags(node, event));
            String key = address + " " + event;
            Long seen = lastSpike.put(key, at);
            boolean fresh = seen == null ? at >= since : at > seen;
            if (ctx.oneShot() && ctx.baselinePass()) {
                lastSpike.remove(key);
                continue;
            }
            if (!fresh) {
                continue;
            }
            Severity sev = lastMs >= crit ? Severity.CRITICAL : lastMs >= warn ? Severity.WARNING : Severity.INFO;
            out.finding(ctx.finding(Problem.SLOW_QUERIES, sev, "latency event " + event + " on " + address)
                    .summary(String.format("Redis %s stalled %d ms in '%s' (worst seen %d ms)", address, lastMs, event, maxMs))
                    .evidence("source", "latency-monitor").evidence("event", event).evidence("latest_ms", lastMs)
                    .evidence("max_ms", maxMs).evidence("at", Instant.ofEpochSecond(at).toString())
                    .evidence("latency_monitor_threshold_ms", threshold >= 0 ? threshold : null)
                    .hint(hint(event)));
        }
    }

    private void percentiles(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        record P(String command, long calls, long p50, long p99, long p999) {
        }
        Map<String, LatencyHistogram> now = LatencyHistogram.parse(node.sync().dispatch(LATENCY,
                new NestedMultiOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8).add("HISTOGRAM")));
        Map<String, LatencyHistogram> before = lastHistograms.put(node.node().address(), now);
        if (before == null) {
            return; // since-start counts only: the next run has a window
        }
        List<P> all = new ArrayList<>();
        now.forEach((cmd, h) -> {
            LatencyHistogram b = before.get(cmd);
            Optional<LatencyHistogram> window = b == null ? Optional.of(h) : h.since(b);
            if (!OWN.contains(cmd.split("\\|")[0]) && window.isPresent() && window.get().calls() > 0) {
                LatencyHistogram w = window.get();
                all.add(new P(cmd, w.calls(), w.percentile(0.5), w.percentile(0.99), w.percentile(0.999)));
            }
        });
        all.sort(Comparator.comparingLong(P::p99).reversed());
        long warnUsec = ctx.setting(WARNING).toNanos() / 1000;
        for (int i = 0; i < all.size(); i++) {
            P p = all.get(i);
            if (i < 5) {
                out.signal(P99, p.p99() / 1e6, tags(node, String.valueOf(i + 1)));
            }
            if (p.p99() >= warnUsec && !(ctx.oneShot() && ctx.baselinePass())) {
                out.finding(ctx.finding(Problem.SLOW_QUERIES, Severity.WARNING, p.command() + " p99 on " + node.node().address())
                        .summary(String.format("%s p99 was up to %.1f ms over its %d calls since the last run on Redis %s"
                                        + " (latency monitor off)", p.command().toUpperCase(java.util.Locale.ROOT), p.p99() / 1000.0,
                                p.calls(), node.node().address()))
                        .evidence("source", "latencystats").evidence("command", p.command()).evidence("calls", p.calls())
                        .evidence("p50_ms", p.p50() / 1000.0).evidence("p99_ms", p.p99() / 1000.0).evidence("p99_9_ms", p.p999() / 1000.0)
                        .hint("percentiles of the calls between two runs, each at the upper bound of its power-of-two bucket"
                                + " (LATENCY HISTOGRAM); see redis.slow-commands for the calls themselves, or turn on"
                                + " latency-monitor-threshold to see spikes as they happen"));
            }
        }
    }

    private static String hint(String event) {
        if (event.startsWith("fork")) {
            return "BGSAVE, AOF rewrite or full resync forked a big process: see redis.persistence";
        }
        if (event.startsWith("expire")) {
            return "the active expire cycle had many keys to expire at once: spread TTLs (see redis.ttl-hygiene)";
        }
        if (event.startsWith("eviction")) {
            return "eviction had to free a lot at once: memory is at maxmemory (see redis.memory)";
        }
        if (event.startsWith("aof")) {
            return "disk writes stalled the server: check the disk and appendfsync";
        }
        return "a slow command blocked the server: see redis.slow-commands for which one";
    }
}
