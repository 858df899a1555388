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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TTLs of the keys the scan samples (pipelined PTTL within the scan budget): prefixes whose keys have no
 * TTL (a cache entry without one is never refreshed from its source), and expiry clustering: many keys
 * set to expire in the same second are the next thundering herd.
 */
public final class TtlHygieneDetector extends RedisDetector {
    public static final String ID = "redis.ttl-hygiene";
    static final Setting<Long> CLUSTER_KEYS = Setting.count("expiry-cluster.warning", 1_000,
            "Sampled keys expiring within the same second that raise a warning.");
    static final Setting<Double> CLUSTER_SHARE = Setting.ratio("expiry-cluster.share", 0.2,
            "Those keys must also be at least this share of the sampled keys that have a TTL.");
    static final Setting<Long> NO_TTL_MIN = Setting.count("no-ttl.min-keys", 100,
            "Sampled keys of a prefix needed to judge it.");
    static final Setting<Double> NO_TTL_SHARE = Setting.ratio("no-ttl.share", 0.9,
            "Share of a prefix's keys without TTL that is reported.");
    static final Setting<Long> MAX_PREFIXES = Setting.count("max-prefixes", 200,
            "Prefixes tracked per run; the rest count as 'other'.")
            .atMost(10_000L);

    static final SignalSpec NO_TTL = SignalSpec.of("redis.keys.without_ttl", "ratio",
            "Share of the sampled keys that have no TTL.", "node", "role");
    static final SignalSpec LARGEST_CLUSTER = SignalSpec.of("redis.keys.expiry_cluster", "keys",
            "The most sampled keys set to expire within one second.", "node", "role");

    public static final DetectorSpec SPEC = DetectorSpec.builder(ID)
            .summary("Key prefixes whose sampled keys have no TTL, and many sampled keys set to expire in the same "
                    + "second.")
            .problems(Problem.CACHE_INVALIDATION_RACE, Problem.THUNDERING_HERD)
            .interval(Duration.ofMinutes(1))
            .settings(CLUSTER_KEYS, CLUSTER_SHARE, NO_TTL_MIN, NO_TTL_SHARE, MAX_PREFIXES, KeyScanner.KEYS,
                    KeyScanner.TIME, KeyScanner.COUNT)
            .signals(NO_TTL, LARGEST_CLUSTER)
            .build();

    private final KeyScanner scanner = new KeyScanner();

    public TtlHygieneDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected boolean appliesTo(NodeClient node) {
        return node.node().role() == RedisNode.Role.MASTER;
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) throws Exception {
        if (ctx.oneShot() && ctx.baselinePass()) {
            return;
        }
        String address = node.node().address();
        int maxPrefixes = (int) (long) ctx.setting(MAX_PREFIXES);
        Map<String, long[]> prefixes = new HashMap<>(); // prefix -> {keys, without ttl}
        Map<Long, Integer> bySecond = new HashMap<>();
        Map<Long, Map<String, Integer>> prefixesBySecond = new HashMap<>();
        long[] totals = {0, 0, 0}; // keys, without ttl, with ttl
        scanner.walk(ctx, node, keys -> {
            Batch batch = new Batch(node);
            List<java.util.concurrent.Future<Long>> ttls = new ArrayList<>(keys.size());
            for (String k : keys) {
                ttls.add(batch.integer(io.lettuce.core.protocol.CommandType.PTTL, k));
            }
            batch.execute();
            // PTTL counts down while the walk goes on: the expiry instant is taken against the batch's own clock
            long nowMillis = System.currentTimeMillis();
            for (int i = 0; i < keys.size(); i++) {
                Long ttl = KeyScanner.value(ttls.get(i));
                if (ttl == null || ttl == -2) {
                    continue; // gone
                }
                String prefix = prefix(keys.get(i));
                if (!prefixes.containsKey(prefix) && prefixes.size() >= maxPrefixes) {
                    prefix = "(other)";
                }
                long[] p = prefixes.computeIfAbsent(prefix, x -> new long[2]);
                p[0]++;
                totals[0]++;
                if (ttl == -1) {
                    p[1]++;
                    totals[1]++;
                } else {
                    totals[2]++;
                    long second = (nowMillis + ttl) / 1000;
                    bySecond.merge(second, 1, Integer::sum);
                    if (bySecond.size() <= 100_000) {
                        prefixesBySecond.computeIfAbsent(second, s -> new HashMap<>()).merge(prefix, 1, Integer::sum);
                    }
                }
            }
        });
        if (totals[0] == 0) {
            return;
        }
        out.signal(NO_TTL, (double) totals[1] / totals[0], tags(node));
        Map.Entry<Long, Integer> worst = bySecond.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
        out.signal(LARGEST_CLUSTER, worst == null ? 0 : worst.getValue(), tags(node));
        if (worst != null && worst.getValue() >= ctx.setting(CLUSTER_KEYS) && worst.getValue() >= ctx.setting(CLUSTER_SHARE) * totals[2]) {
            Map<String, Integer> inSecond = prefixesBySecond.getOrDefault(worst.getKey(), Map.of());
            String top = inSecond.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(3)
                    .map(e -> e.getKey() + "* (" + e.getValue() + ")").reduce((a, b) -> a + ", " + b).orElse("");
            Instant at = Instant.ofEpochSecond(worst.getKey());
            out.finding(ctx.finding(Problem.THUNDERING_HERD, Severity.WARNING, "expiry cluster on " + address)
                    .summary(String.format("%d sampled keys on Redis %s expire in the same second (%s): %s", worst.getValue(),
                            address, at, top))
                    .evidence("keys_in_second", worst.getValue()).evidence("expires_at", at.toString())
                    .evidence("sampled_keys_with_ttl", totals[2]).evidence("prefixes", top)
                    .hint("when they expire together every reader misses at once: add random jitter to the TTLs"
                            + " (for example 10 % of the TTL)"));
        }
        Map<String, long[]> sorted = new LinkedHashMap<>();
        prefixes.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(5).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        for (Map.Entry<String, long[]> e : sorted.entrySet()) {
            long[] p = e.getValue();
            if (p[0] >= ctx.setting(NO_TTL_MIN) && p[1] >= ctx.setting(NO_TTL_SHARE) * p[0]) {
                out.finding(ctx.finding(Problem.CACHE_INVALIDATION_RACE, Severity.INFO, "keys " + e.getKey() + "* without TTL on " + address)
                        .summary(String.format("%d of %d sampled %s* keys on Redis %s have no TTL", p[1], p[0], e.getKey(), address))
                        .evidence("prefix", e.getKey()).evidence("sampled", p[0]).evidence("without_ttl", p[1])
                        .hint("if these are cache entries, a missed invalidation keeps them stale forever: give them a TTL"));
            }
        }
    }

    /** The key up to and including its first ':' (or '_' / '.' when it has no ':'); the whole key if none. */
    static String prefix(String key) {
        for (char sep : new char[] {':', '_', '.'}) {
            int i = key.indexOf(sep);
            if (i > 0) {
                return key.substring(0, i + 1);
            }
        }
        return key.length() > 20 ? key.substring(0, 20) : key;
    }
}
