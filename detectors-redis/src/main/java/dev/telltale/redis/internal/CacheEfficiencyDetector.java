package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Hit ratio per node from the keyspace_hits / keyspace_misses deltas, with the expired and evicted keys of
 * the same window, against a baseline learnt from healthy windows. A collapse (below an absolute floor or
 * well below the baseline) with expiries is the thundering-herd signature. A restart or a flush empties the
 * cache too: the misses that follow are reported as explained (INFO), not as a herd. The hits and misses of
 * Telltale's own key walk in the window ({@link OwnLookups}) are taken out first: a check must not raise the
 * ratio it measures.
 */
public final class CacheEfficiencyDetector extends RedisDetector implements CacheEfficiencyDetectorSpec {
    private final Counters counters = new Counters();
    private final Map<String, NodeState> states = new HashMap<>();

    public CacheEfficiencyDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) throws InterruptedException {
        RedisInfo info = node.info();
        String address = node.node().address();
        NodeState state = states.computeIfAbsent(address, a -> new NodeState());
        long keys = info.totalKeys();
        long nowNanos = System.nanoTime();
        Optional<Counters.Delta> delta = counters.update(address, info.numberOr0("uptime_in_seconds"), Map.of(
                "hits", info.numberOr0("keyspace_hits"), "misses", info.numberOr0("keyspace_misses"),
                "expired", info.numberOr0("expired_keys"), "evicted", info.numberOr0("evicted_keys")));
        long previousKeys = state.keys;
        state.keys = keys;
        OwnLookups.Count ours = node.ownLookups().take(address, info.numberOr0("keyspace_hits") + info.numberOr0("keyspace_misses"), node.timeout());
        if (delta.isEmpty()) {
            return;
        }
        Counters.Delta d = delta.get();
        if (d.reset().isPresent()) {
            node.ownLookups().forget(address);
            state.explain(d.reset().get(), nowNanos, ctx.setting(EXPLAIN));
            return;
        }
        long expired = d.get("expired");
        long evicted = d.get("evicted");
        long vanished = previousKeys - keys;
        if (previousKeys >= 100 && vanished > previousKeys / 2 && vanished > 2 * (expired + evicted)) {
            state.explain(String.format("flushed: keys went from %d to %d with %d expired and %d evicted",
                    previousKeys, keys, expired, evicted), nowNanos, ctx.setting(EXPLAIN));
        }
        long hits = Math.max(0, d.get("hits") - ours.hits());
        long misses = Math.max(0, d.get("misses") - ours.misses());
        long lookups = hits + misses;
        out.signal(LOOKUPS, lookups / d.seconds(), tags(node)).signal(EXPIRED, expired / d.seconds(), tags(node));
        if (lookups < ctx.setting(MIN_LOOKUPS)) {
            return;
        }
        double ratio = (double) hits / lookups;
        out.signal(HIT_RATIO, ratio, tags(node));
        double floor = ctx.setting(FLOOR);
        double relative = Double.isNaN(state.baseline) ? 0 : state.baseline * ctx.setting(BASELINE_SHARE);
        boolean collapsed = ratio < floor || ratio < relative;
        if (!collapsed) {
            state.baseline = Double.isNaN(state.baseline) ? ratio : 0.8 * state.baseline + 0.2 * ratio;
            out.signal(BASELINE, state.baseline, tags(node));
            return;
        }
        if (!Double.isNaN(state.baseline)) {
            out.signal(BASELINE, state.baseline, tags(node));
        }
        Optional<String> explained = state.explanation(nowNanos);
        String baselineText = Double.isNaN(state.baseline) ? "no baseline yet" : String.format("baseline %.2f", state.baseline);
        var finding = ctx.finding(Problem.THUNDERING_HERD, explained.isPresent() ? Severity.INFO : Severity.WARNING,
                        nodeSubject(node) + " hit ratio")
                .evidence("hit_ratio", MemoryDetector.round(ratio))
                .evidence("baseline", Double.isNaN(state.baseline) ? null : MemoryDetector.round(state.baseline))
                .evidence("hits", hits).evidence("misses", misses)
                .evidence("own_hits_left_out", ours.hits()).evidence("own_misses_left_out", ours.misses())
                .evidence("expired_keys", expired).evidence("evicted_keys", evicted)
                .evidence("keys", keys).evidence("keys_before", previousKeys)
                .evidence("window_seconds", MemoryDetector.round(d.seconds()));
        if (explained.isPresent()) {
            finding.summary(String.format("Redis %s hit ratio is %.2f (%s) after the cache was emptied: %s",
                            address, ratio, baselineText, explained.get()))
                    .evidence("explained_by", explained.get())
                    .hint("a cold cache after a restart or flush; it should warm up. Watch the database behind it meanwhile");
        } else {
            String cause = expired > 0 && expired >= misses / 10 ? String.format("; %d keys expired in the same window", expired)
                    : evicted > 0 ? String.format("; %d keys evicted in the same window", evicted) : "";
            finding.summary(String.format("Redis %s hit ratio collapsed to %.2f (%s)%s", address, ratio, baselineText, cause))
                    .hint("misses go to the backing store all at once: stagger TTLs (add jitter), refresh hot keys early,"
                            + " or let one caller recompute while others wait");
        }
        out.finding(finding.holdFor(ctx.setting(FOR)));
    }

    private static final class NodeState {
        double baseline = Double.NaN;
        long keys;
        String reason;
        long explainedUntil;

        void explain(String why, long nowNanos, Duration window) {
            reason = why;
            explainedUntil = nowNanos + window.toNanos();
            baseline = Double.NaN;
        }

        Optional<String> explanation(long nowNanos) {
            return reason != null && nowNanos - explainedUntil < 0 ? Optional.of(reason) : Optional.empty();
        }
    }
}
