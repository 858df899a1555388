package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hot keys from the server's LFU counters, like {@code redis-cli --hotkeys}: SCAN, then pipelined
 * {@code OBJECT FREQ} (which does not touch the key) within the scan budget, keeping the top K. The counter
 * is logarithmic (with lfu-log-factor 10: 100 hits = 10, 1,000 = 18, 100,000 = 142) and decays by one per
 * minute, so it ranks keys, it does not count requests; a key is hot when its counter is high and far above
 * the mean of the sampled keys. Without an LFU policy the server tracks no key frequency, only each key's last
 * access (the LRU clock, one-second resolution): the detector then estimates ({@link HotKeyEstimate}) from
 * {@code OBJECT IDLETIME}, which does not touch the key, read first of all the walk's commands on it. The keys touched
 * in the second before the walk reached them are sampled again, about a second apart, from two seconds after the walk
 * (so that the walk's own element counts, which touch keys before 7.2, have aged out); a key touched in every sample
 * while few walked keys are busy is hot. With {@code estimate} off the run is skipped with the per-command skew it can
 * see and what to change.
 */
public final class HotKeysDetector extends KeyWalkDetector implements HotKeysDetectorSpec {
    private final Map<String, List<Hot>> tops = new HashMap<>();

    /** A detector reading the one-shot key walk it shares with the other key detectors of the target. */
    public HotKeysDetector(RedisTarget target, KeyspaceWalk walk) {
        super(target, SPEC, walk, Set.of(KeyspaceWalk.Need.FREQUENCY, KeyspaceWalk.Need.IDLE), TOP, Tally::new);
    }

    private volatile boolean estimate = true;

    @Override
    protected void configureKeys(DetectorSettings settings) {
        estimate = settings.get(ESTIMATE);
    }

    @Override
    protected Set<KeyspaceWalk.Need> walkNeeds(Set<KeyspaceWalk.Need> needs) {
        return estimate ? needs : Set.of(KeyspaceWalk.Need.FREQUENCY);
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) throws Exception {
        RedisInfo info = RedisInfo.parse(node.sync().info("memory") + "\n" + node.sync().info("commandstats"));
        String policy = info.string("maxmemory_policy").orElse("unknown");
        boolean lfu = policy.contains("lfu");
        if (!lfu && !ctx.setting(ESTIMATE)) {
            throw new DetectionSkippedException(notLfu(node, policy, info));
        }
        if (ctx.oneShot() && ctx.baselinePass()) {
            return;
        }
        if (!lfu) {
            HotKeyEstimate.run(ctx, this, node, out, policy);
            return;
        }
        String address = node.node().address();
        int top = (int) (long) ctx.setting(TOP);
        List<Hot> hottest;
        long[] sampled;
        boolean passComplete;
        if (ctx.oneShot()) {
            Tally tally = (Tally) walked(ctx, node, out);
            hottest = tally == null ? List.of() : tally.hottest;
            sampled = tally == null ? new long[] {0, 0} : tally.sampled;
            passComplete = walkComplete();
        } else {
            // re-read the counters of last run's top keys first: they change between runs
            List<Hot> found = new ArrayList<>();
            List<String> previous = tops.getOrDefault(address, List.of()).stream().map(Hot::key).toList();
            long[] counts = {0, 0};
            if (!previous.isEmpty()) {
                probe(node, previous, found, top, null); // chosen, not sampled: kept out of the mean
            }
            KeyScanner.Walk walk = scanner.walk(ctx, node, keys -> probe(node, keys, found, top, counts));
            coverKeys(out, walk.passKeys(), walk.total());
            tops.put(address, List.copyOf(found));
            hottest = found;
            sampled = counts;
            passComplete = walk.passCompleted();
        }
        double mean = sampled[0] == 0 ? 0 : (double) sampled[1] / sampled[0];
        out.signal(MEAN, mean, tags(node));
        for (int i = 0; i < hottest.size(); i++) {
            Hot h = hottest.get(i);
            out.signal(FREQUENCY, h.frequency(), tags(node, String.valueOf(i + 1)));
            if (h.frequency() >= ctx.setting(WARNING) && h.frequency() >= ctx.setting(RATIO) * Math.max(1, mean)) {
                out.finding(ctx.finding(Problem.PERFORMANCE_HOTSPOTS, Severity.WARNING, "key " + keyName(h.key()) + " on " + address)
                        .summary(String.format("Hot key %s on Redis %s: LFU counter %d, %.0f x the mean of %d sampled keys (rank %d)",
                                keyName(h.key()), address, h.frequency(), h.frequency() / Math.max(1, mean), sampled[0], i + 1))
                        .evidence("key", keyName(h.key())).evidence("rank", i + 1).evidence("lfu_counter", h.frequency())
                        .evidence("mean_counter", MemoryDetector.round(mean)).evidence("sampled_keys", sampled[0])
                        .evidence("scan_pass_complete", passComplete).evidence("maxmemory_policy", policy)
                        .hint("one key takes a large share of this node's traffic: cache it in the application (near cache),"
                                + " replicate it under several keys, or spread the work it stands for"));
            }
        }
    }

    private static void probe(NodeClient node, List<String> keys, List<Hot> hottest, int top, long[] sampled) throws Exception {
        Batch batch = new Batch(node);
        List<java.util.concurrent.Future<Long>> freqs = new ArrayList<>(keys.size());
        for (String k : keys) {
            freqs.add(batch.objectFreq(k));
        }
        batch.execute();
        for (int i = 0; i < keys.size(); i++) {
            Long f = KeyScanner.value(freqs.get(i));
            if (f != null) {
                if (sampled != null) {
                    sampled[0]++;
                    sampled[1] += f;
                }
                offer(hottest, new Hot(keys.get(i), f), top);
            }
        }
    }

    private static void offer(List<Hot> list, Hot h, int top) {
        list.removeIf(x -> x.key().equals(h.key()));
        list.add(h);
        list.sort(Comparator.comparingLong(Hot::frequency).reversed());
        if (list.size() > top) {
            list.remove(list.size() - 1);
        }
    }

    /** This node's tally of the walk: the shared one in a one-shot check, else this run's own budgeted scan. */
    Tally tally(DetectionContext ctx, NodeClient node, Detection.Builder out, KeyspaceWalk.Recency recency) throws Exception {
        if (ctx.oneShot()) {
            Tally t = (Tally) walked(ctx, node, out);
            return t == null ? new Tally((int) (long) ctx.setting(TOP)) : t;
        }
        Tally t = new Tally((int) (long) ctx.setting(TOP));
        KeyspaceWalk.PageReader reader = new KeyspaceWalk.PageReader(node, Set.of());
        KeyScanner.Walk walk = scanner.walk(ctx, node, keys -> t.accept(reader.read(keys, recency), System.currentTimeMillis()));
        coverKeys(out, walk.passKeys(), walk.total());
        return t;
    }

    /** Whether the walk behind this run's tally covered the node's whole keyspace (one-shot: the shared walk). */
    boolean passComplete(DetectionContext ctx) {
        return !ctx.oneShot() || walkComplete();
    }

    private static String notLfu(NodeClient node, String policy, RedisInfo info) {
        long total = info.commandStats().values().stream().mapToLong(RedisInfo.CommandStats::calls).sum();
        String skew = info.commandStats().entrySet().stream()
                .max(Comparator.comparingLong(e -> e.getValue().calls()))
                .filter(e -> total > 0)
                .map(e -> String.format("; meanwhile, per command: %s is %.0f %% of the %d calls on %s (redis.cluster compares nodes)",
                        e.getKey(), 100.0 * e.getValue().calls() / total, total, node.node().address()))
                .orElse("");
        boolean hotkeys = node.hasCommand("hotkeys");
        return "key-level hotness needs an LFU policy: " + node.node().address() + " has maxmemory-policy " + policy
                + " (set allkeys-lfu or volatile-lfu to let redis.hot-keys rank keys by OBJECT FREQ, or leave"
                + " redis.hot-keys.estimate on for an estimate from OBJECT IDLETIME samples)"
                + (hotkeys ? "; this server has HOTKEYS, which this version of Telltale does not drive yet" : "") + skew;
    }

    record Hot(String key, long frequency) {
    }

    /**
     * The hottest keys of one node in the shared one-shot walk and the sum of every counter for the mean; without LFU,
     * the keys idle 0 when the walk reached them (the first {@link HotKeyEstimate#CANDIDATES}) and how many there were.
     */
    static final class Tally implements KeyspaceWalk.Fold {
        final List<Hot> hottest = new ArrayList<>();
        final long[] sampled = {0, 0};
        final List<String> busy = new ArrayList<>();
        long idleSampled;
        long busyKeys;
        long lastReadNanos = System.nanoTime();
        private final int top;

        Tally(int top) {
            this.top = top;
        }

        @Override
        public void accept(List<KeyspaceWalk.KeyFacts> keys, long nowMillis) {
            lastReadNanos = System.nanoTime();
            for (KeyspaceWalk.KeyFacts k : keys) {
                if (k.idle() != null) {
                    idleSampled++;
                    if (k.idle() == 0) {
                        busyKeys++;
                        if (busy.size() < HotKeyEstimate.CANDIDATES) {
                            busy.add(k.key());
                        }
                    }
                }
                if (k.frequency() != null) {
                    sampled[0]++;
                    sampled[1] += k.frequency();
                    if (hottest.size() < top || k.frequency() > hottest.get(hottest.size() - 1).frequency()) {
                        offer(hottest, new Hot(k.key(), k.frequency()), top);
                    }
                }
            }
        }
    }
}
