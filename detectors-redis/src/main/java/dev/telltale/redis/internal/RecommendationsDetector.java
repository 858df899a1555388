package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * RedisInsight's database-analysis recommendations that have a number, with the numbers its API uses
 * ({@code redisinsight/api/src/common/constants/recommendations.ts}): lists over 1,000 items
 * ({@code COMPRESSION_FOR_LIST_RECOMMENDATION_LENGTH}), reported here only while {@code list-compress-depth} is
 * 0; hashes over 1,000 fields ({@code COMPRESS_HASH_FIELD_NAMES_RECOMMENDATION_LENGTH}: RedisInsight's
 * "compress hash field names" judges the field count, not the names, which the walk does not read); at least
 * 50 strings under 200 bytes of memory ({@code COMBINE_SMALL_STRINGS_TO_HASHES_RECOMMENDATION_KEYS_COUNT} and
 * {@code _MEMORY}); more than 1,000,000 keys ({@code USE_SMALLER_KEYS_RECOMMENDATION_TOTAL}), with the average
 * key name length the walk measured; and keys in more than one logical database (INFO keyspace; not on a
 * cluster). The per-key facts come from the shared key walk (one-shot checks) or this detector's own budgeted
 * scan (scheduled runs, judged on the last complete pass, or the current one until a pass completes). Every
 * finding is INFO and names the command or config that fixes it.
 */
public final class RecommendationsDetector extends KeyWalkDetector implements RecommendationsDetectorSpec {
    private static final Pattern DB = Pattern.compile("db(\\d+)");

    private final Map<String, Tally> current = new HashMap<>();
    private final Map<String, Tally> completed = new HashMap<>();
    private final Limits limits;

    /** A detector reading the one-shot key walk it shares with the other key detectors of the target. */
    public RecommendationsDetector(RedisTarget target, KeyspaceWalk walk) {
        this(target, walk, new Limits());
    }

    private RecommendationsDetector(RedisTarget target, KeyspaceWalk walk, Limits limits) {
        super(target, SPEC, walk, Set.of(KeyspaceWalk.Need.SIZE), SMALL_STRINGS, n -> new Tally(limits));
        this.limits = limits;
    }

    /** The per-key thresholds, as configured; the walk's folds read them. */
    static final class Limits {
        volatile long listItems = LIST_ITEMS.defaultValue();
        volatile long hashFields = HASH_FIELDS.defaultValue();
        volatile long smallBytes = SMALL_STRING_BYTES.defaultValue();
    }

    @Override
    protected int memorySamples() {
        return 1; // only strings' memory is read, and a string has no nested values to sample
    }

    @Override
    protected void configureKeys(dev.telltale.core.DetectorSettings settings) {
        limits.listItems = settings.get(LIST_ITEMS);
        limits.hashFields = settings.get(HASH_FIELDS);
        limits.smallBytes = settings.get(SMALL_STRING_BYTES);
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) throws Exception {
        if (ctx.oneShot() && ctx.baselinePass()) {
            return; // counts need no baseline: walk once, in the reported pass
        }
        String address = node.node().address();
        Tally tally = ctx.oneShot() ? (Tally) walked(ctx, node, out) : scanned(ctx, node, out);
        if (tally == null) {
            return; // the shared walk did not reach this node
        }
        out.signal(LONG_LISTS, tally.longLists, tags(node)).signal(LONG_HASHES, tally.longHashes, tags(node))
                .signal(SMALL_STRINGS_FOUND, tally.smallStrings, tags(node));
        if (tally.keys > 0) {
            out.signal(KEY_NAME_LENGTH, (double) tally.nameLength / tally.keys, tags(node));
        }
        if (tally.longLists > 0) {
            Optional<String> depth = node.config("list-compress-depth");
            if (depth.isEmpty() || "0".equals(depth.get())) {
                out.finding(recommendation(ctx, node, "list compression", tally.longList)
                        .summary(String.format("%d walked lists on Redis %s hold more than %d items, uncompressed (list-compress-depth %s)",
                                tally.longLists, address, ctx.setting(LIST_ITEMS), depth.orElse("unknown")))
                        .evidence("lists", tally.longLists).evidence("threshold", ctx.setting(LIST_ITEMS))
                        .evidence("list_compress_depth", depth.orElse("unknown"))
                        .hint("CONFIG SET list-compress-depth 1 (and the same line in redis.conf) compresses every list node but"
                                + " the first and last, so pushes and pops at the ends cost what they did"));
            }
        }
        if (tally.longHashes > 0) {
            out.finding(recommendation(ctx, node, "hash field names", tally.longHash)
                    .summary(String.format("%d walked hashes on Redis %s have more than %d fields: every field name is stored once per hash",
                            tally.longHashes, address, ctx.setting(HASH_FIELDS)))
                    .evidence("hashes", tally.longHashes).evidence("threshold", ctx.setting(HASH_FIELDS))
                    .hint("shorten the field names the application writes (a one- or two-letter code per field), or move"
                            + " repeated names into the value; new writes use the new names, old fields stay until rewritten"));
        }
        if (tally.smallStrings >= ctx.setting(SMALL_STRINGS)) {
            out.finding(recommendation(ctx, node, "small strings", tally.smallString)
                    .summary(String.format("%d walked strings on Redis %s use less than %d bytes each; each key costs its own"
                            + " overhead", tally.smallStrings, address, ctx.setting(SMALL_STRING_BYTES)))
                    .evidence("small_strings", tally.smallStrings).evidence("walked_keys", tally.keys)
                    .evidence("threshold_bytes", ctx.setting(SMALL_STRING_BYTES))
                    .hint("group related small values into one hash per object (HSET <object> <field> <value>), keeping each"
                            + " hash under hash-max-listpack-entries (128 by default) so it stays in the compact encoding"));
        }
        long dbsize = node.sync().dbsize();
        if (dbsize > ctx.setting(KEYS_TOTAL)) {
            double avg = tally.keys == 0 ? 0 : (double) tally.nameLength / tally.keys;
            out.finding(recommendation(ctx, node, "key names", null)
                    .summary(String.format("Redis %s holds %,d keys; the walked names average %.0f characters, paid for in memory"
                            + " by every key", address, dbsize, avg))
                    .evidence("keys", dbsize).evidence("threshold", ctx.setting(KEYS_TOTAL))
                    .evidence("average_key_name_length", MemoryDetector.round(avg)).evidence("walked_keys", tally.keys)
                    .hint("shorten key prefixes the application writes (user:profile:1234 -> u:p:1234); old keys keep their"
                            + " names until they expire or are rewritten"));
        }
        logicalDatabases(ctx, node, out);
    }

    /**
     * Scheduled runs: this run's share of the node's budgeted, resumable scan, read page by page as the shared walk
     * reads them; the last complete pass, or the current one until a pass completes.
     */
    private Tally scanned(DetectionContext ctx, NodeClient node, Detection.Builder out) throws Exception {
        String address = node.node().address();
        Tally pass = current.computeIfAbsent(address, a -> new Tally(limits));
        KeyspaceWalk.PageReader pages = new KeyspaceWalk.PageReader(node, Set.of(KeyspaceWalk.Need.SIZE));
        KeyScanner.Walk walk = scanner.walk(ctx, node, keys -> pass.accept(pages.read(keys), System.currentTimeMillis()));
        coverKeys(out, walk.passKeys(), walk.total());
        if (walk.passCompleted()) {
            completed.put(address, pass);
            current.remove(address);
        }
        return completed.getOrDefault(address, pass);
    }

    /** Keys in more than one logical database (a cluster has db0 only, so it never has this finding). */
    private void logicalDatabases(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        RedisInfo keyspace = node.info("keyspace");
        Map<Integer, Long> dbs = new TreeMap<>();
        keyspace.section("keyspace").forEach((name, value) -> {
            var m = DB.matcher(name);
            if (m.matches()) {
                long keys = Long.parseLong(keyspace.fields(name).getOrDefault("keys", "0"));
                if (keys > 0) {
                    dbs.put(Integer.parseInt(m.group(1)), keys);
                }
            }
        });
        long others = dbs.keySet().stream().filter(db -> db != 0).count();
        out.signal(LOGICAL_DATABASES, others, tags(node));
        if (dbs.size() > 1) {
            out.finding(ctx.finding(Problem.STORAGE_BLOAT, Severity.INFO, nodeSubject(node) + " logical databases")
                    .summary(String.format("Redis %s keeps keys in %d logical databases (%s)", node.node().address(), dbs.size(),
                            dbs.entrySet().stream().map(e -> "db" + e.getKey() + " " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("")))
                    .evidence("databases", dbs.size()).evidence("keys_by_database", dbs.toString())
                    .hint("they share one thread, one memory limit and one eviction: give each application its own instance or"
                            + " a key prefix in db 0 (Redis Cluster has db 0 only), moving keys with MIGRATE or a dual write"));
        }
    }

    private Finding.Builder recommendation(DetectionContext ctx, NodeClient node, String what, String example) {
        Finding.Builder f = ctx.finding(Problem.STORAGE_BLOAT, Severity.INFO, nodeSubject(node) + " " + what);
        if (example != null) {
            f.evidence("example_key", keyName(example));
        }
        return f;
    }

    /** What the recommendations need from one node's walked keys: counts and one example key each. */
    static final class Tally implements KeyspaceWalk.Fold {
        private final long listItems;
        private final long hashFields;
        private final long smallBytes;
        long keys;
        long nameLength;
        long longLists;
        long longHashes;
        long smallStrings;
        String longList;
        String longHash;
        String smallString;

        Tally(Limits limits) {
            this.listItems = limits.listItems;
            this.hashFields = limits.hashFields;
            this.smallBytes = limits.smallBytes;
        }

        @Override
        public void accept(List<KeyspaceWalk.KeyFacts> facts, long nowMillis) {
            for (KeyspaceWalk.KeyFacts k : facts) {
                keys++;
                nameLength += k.key().length();
                long size = k.size() == null ? 0 : k.size();
                switch (k.type()) {
                    case "list" -> {
                        if (size > listItems) {
                            longLists++;
                            longList = longList == null ? k.key() : longList;
                        }
                    }
                    case "hash" -> {
                        if (size > hashFields) {
                            longHashes++;
                            longHash = longHash == null ? k.key() : longHash;
                        }
                    }
                    case "string" -> {
                        if (k.memory() != null && k.memory() < smallBytes) {
                            smallStrings++;
                            smallString = smallString == null ? k.key() : smallString;
                        }
                    }
                    default -> {
                    }
                }
            }
        }
    }
}
