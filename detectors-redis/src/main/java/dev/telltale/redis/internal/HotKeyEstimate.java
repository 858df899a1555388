package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * Hot keys on a node without an LFU policy, estimated from the LRU clock: {@code OBJECT IDLETIME} (seconds since
 * the key was last read or written; it does not touch the key, but counts as a keyspace lookup, told to
 * {@link OwnLookups}). The walk reads it first of all its commands on a key; the keys idle 0 then (touched in the
 * second before) are the candidates, at most {@link #CANDIDATES}. They are sampled again {@code estimate.samples}
 * times, {@link #SPACING_MILLIS} apart, from {@link #AGE_MILLIS} after the walk last read the node: the walk's own
 * element counts (HLEN, SCARD...) touch keys on servers before 7.2 and must have aged out of the clock's second.
 * A candidate idle 0 in every sample was touched in each of those seconds: at least about one access a second,
 * sustained. That says "busy", not "how busy" (the clock has a one-second resolution), so a key is called hot only
 * while at most {@code estimate.max-busy-share} of the walked keys are busy: a key that stands out.
 */
final class HotKeyEstimate {
    /** Candidates kept per node: the first keys of the walk found idle 0. */
    static final int CANDIDATES = 1000;
    /** Time between the walk's last read of a node and the first sample. */
    static final long AGE_MILLIS = 2_000;
    /** Time between two samples: more than the LRU clock's one-second resolution, so each falls in a new second. */
    static final long SPACING_MILLIS = 1_100;

    private HotKeyEstimate() {
    }

    static void run(DetectionContext ctx, HotKeysDetector d, NodeClient node, Detection.Builder out, String policy) throws Exception {
        HotKeysDetector.Tally tally = d.tally(ctx, node, out, KeyspaceWalk.Recency.IDLE);
        String address = node.node().address();
        int samples = (int) (long) ctx.setting(HotKeysDetectorSpec.ESTIMATE_SAMPLES);
        double busyShare = tally.idleSampled == 0 ? 0 : (double) tally.busyKeys / tally.idleSampled;
        out.signal(HotKeysDetectorSpec.RECENTLY_TOUCHED, busyShare, RedisDetector.tags(node));
        String method = String.format("estimate for maxmemory-policy %s on %s: OBJECT IDLETIME of %,d walked keys, %,d of them"
                + " touched in the second before the walk reached them (%.2f %%)", policy, address, tally.idleSampled,
                tally.busyKeys, 100 * busyShare);
        if (tally.busy.isEmpty()) {
            return;
        }
        if (busyShare > ctx.setting(HotKeysDetectorSpec.ESTIMATE_MAX_BUSY)) {
            out.note(method + ": traffic is spread over more than redis.hot-keys.estimate.max-busy-share of the keys, so no"
                    + " key stands out to the estimate (an LFU policy ranks them)");
            return;
        }
        long needed = AGE_MILLIS + (samples - 1) * SPACING_MILLIS + 1_000;
        if (ctx.remaining().toMillis() < needed) {
            out.note(method + ": not sampled again, " + ctx.remaining().toMillis() + " ms left of the run and " + needed
                    + " ms needed (raise redis.hot-keys.timeout)");
            return;
        }
        List<String> candidates = tally.busy;
        int[] touched = new int[candidates.size()];
        long next = tally.lastReadNanos + AGE_MILLIS * 1_000_000;
        for (int s = 0; s < samples; s++) {
            long wait = (next - System.nanoTime()) / 1_000_000;
            if (wait > 0) {
                Thread.sleep(wait); // the LRU clock has to tick: there is no condition to wait for
            }
            next = System.nanoTime() + SPACING_MILLIS * 1_000_000;
            Batch batch = new Batch(node);
            List<Future<Long>> idle = new ArrayList<>(candidates.size());
            candidates.forEach(k -> idle.add(batch.objectIdletime(k)));
            batch.execute();
            for (int i = 0; i < touched.length; i++) {
                Long t = KeyScanner.value(idle.get(i));
                if (t != null && t == 0) {
                    touched[i]++;
                }
            }
        }
        List<String> hot = new ArrayList<>();
        for (int i = 0; i < touched.length; i++) {
            if (touched[i] == samples) {
                hot.add(candidates.get(i));
            }
        }
        out.signal(HotKeysDetectorSpec.ESTIMATED, hot.size(), RedisDetector.tags(node));
        int top = (int) (long) ctx.setting(HotKeysDetectorSpec.TOP);
        for (int i = 0; i < Math.min(top, hot.size()); i++) {
            String key = d.keyName(hot.get(i));
            out.finding(ctx.finding(Problem.PERFORMANCE_HOTSPOTS, Severity.WARNING, "key " + key + " on " + address)
                    .summary(String.format("Hot key %s on Redis %s (estimate): touched in each of %d samples a second apart,"
                                    + " while %.2f %% of the %,d walked keys were touched in the second before the walk",
                            key, address, samples, 100 * busyShare, tally.idleSampled))
                    .evidence("key", key).evidence("estimate", "OBJECT IDLETIME samples").evidence("rank", i + 1)
                    .evidence("touched_samples", samples).evidence("samples", samples)
                    .evidence("busy_share", MemoryDetector.round(busyShare)).evidence("walked_keys", tally.idleSampled)
                    .evidence("hot_keys_estimated", hot.size()).evidence("scan_pass_complete", d.passComplete(ctx))
                    .evidence("maxmemory_policy", policy)
                    .hint("one key is busy every second while almost no other is: cache it in the application (near cache),"
                            + " replicate it under several keys, or spread the work it stands for; an LFU policy"
                            + " (allkeys-lfu) would rank it by its counter"));
        }
        if (hot.size() > top) {
            out.truncated(hot.size() - top);
        }
        out.note(method + String.format(": %,d touched in each of %d samples a second apart (resolution: about one access"
                + " a second; an estimate, not a count)", hot.size(), samples));
    }
}
