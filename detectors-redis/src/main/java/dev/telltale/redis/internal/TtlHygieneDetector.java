package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisTarget;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TTLs of the keys the scan samples (pipelined PTTL within the scan budget): prefixes whose keys have no
 * TTL (a cache entry without one is never refreshed from its source), and expiry clustering: many keys
 * set to expire in the same second are the next thundering herd.
 */
public final class TtlHygieneDetector extends KeyWalkDetector implements TtlHygieneDetectorSpec {
    /** A detector reading the one-shot key walk it shares with the other key detectors of the target. */
    public TtlHygieneDetector(RedisTarget target, KeyspaceWalk walk) {
        super(target, SPEC, walk, Set.of(KeyspaceWalk.Need.TTL), MAX_PREFIXES, Tally::new);
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) throws Exception {
        if (ctx.oneShot() && ctx.baselinePass()) {
            return;
        }
        String address = node.node().address();
        Tally tally;
        if (ctx.oneShot()) {
            tally = (Tally) walked(ctx, node, out);
            if (tally == null) {
                return;
            }
        } else {
            Tally t = new Tally((int) (long) ctx.setting(MAX_PREFIXES));
            KeyScanner.Walk w = scanner.walk(ctx, node, keys -> {
                Batch batch = new Batch(node);
                List<java.util.concurrent.Future<Long>> ttls = new ArrayList<>(keys.size());
                for (String k : keys) {
                    ttls.add(batch.integer(io.lettuce.core.protocol.CommandType.PTTL, k));
                }
                batch.execute();
                // PTTL counts down while the walk goes on: the expiry instant is taken against the batch's own clock
                long nowMillis = System.currentTimeMillis();
                for (int i = 0; i < keys.size(); i++) {
                    t.add(keys.get(i), KeyScanner.value(ttls.get(i)), nowMillis);
                }
            });
            coverKeys(out, w.passKeys(), w.total());
            tally = t;
        }
        Map<String, long[]> prefixes = tally.prefixes;
        Map<Long, Integer> bySecond = tally.bySecond;
        Map<Long, Map<String, Integer>> prefixesBySecond = tally.prefixesBySecond;
        long[] totals = tally.totals;
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

    /** TTLs of one node's walked keys, by prefix and by expiry second (prefixes capped at max-prefixes). */
    static final class Tally implements KeyspaceWalk.Fold {
        final Map<String, long[]> prefixes = new HashMap<>(); // prefix -> {keys, without ttl}
        final Map<Long, Integer> bySecond = new HashMap<>();
        final Map<Long, Map<String, Integer>> prefixesBySecond = new HashMap<>();
        final long[] totals = {0, 0, 0}; // keys, without ttl, with ttl
        private final int maxPrefixes;

        Tally(int maxPrefixes) {
            this.maxPrefixes = maxPrefixes;
        }

        @Override
        public void accept(List<KeyspaceWalk.KeyFacts> keys, long nowMillis) {
            keys.forEach(k -> add(k.key(), k.ttl(), nowMillis));
        }

        void add(String key, Long ttl, long nowMillis) {
            if (ttl == null || ttl == -2) {
                return; // gone
            }
            String prefix = prefix(key);
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
