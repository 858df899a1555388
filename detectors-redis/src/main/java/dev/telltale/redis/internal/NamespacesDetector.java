package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisTarget;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Memory by key prefix (namespace), like RedisInsight's "top namespaces" but over the walk the key detectors share:
 * each walked key counts towards its namespaces down to {@code depth} levels ({@code user:} and {@code user:42:} for
 * {@code user:42:cart}; never the whole name), with its MEMORY USAGE, whether it has a TTL and, for the biggest, its
 * name. At most {@code max-prefixes} namespaces are kept per node ({@link NamespaceTree}: Space-Saving weighted by
 * memory), so the summary does not grow with the keyspace. The run's note lists the top namespaces with the walk's
 * coverage; a namespace that holds {@code dominant.share} of the memory is a finding; per-namespace signals only on
 * request ({@code signals.top}). Names show through the target's {@link dev.telltale.redis.KeyNames}.
 */
public final class NamespacesDetector extends KeyWalkDetector implements NamespacesDetectorSpec {
    private volatile String separators = SEPARATORS.defaultValue();
    private volatile int depth = (int) (long) DEPTH.defaultValue();
    private volatile int biggest = (int) (long) BIGGEST.defaultValue();
    private final Map<String, NamespaceTree> current = new HashMap<>();
    private final Map<String, NamespaceTree> completed = new HashMap<>();

    /** A detector reading the one-shot key walk it shares with the other key detectors of the target. */
    public NamespacesDetector(RedisTarget target, KeyspaceWalk walk) {
        super(target, SPEC, walk, Set.of(KeyspaceWalk.Need.SIZE, KeyspaceWalk.Need.TTL), MAX_PREFIXES, null);
    }

    @Override
    protected void configureKeys(DetectorSettings settings) {
        if (settings.get(SEPARATORS).isEmpty()) {
            throw new IllegalArgumentException("redis.namespaces.separators: '' must name at least one character");
        }
        separators = settings.get(SEPARATORS);
        depth = (int) (long) settings.get(DEPTH);
        biggest = (int) (long) settings.get(BIGGEST);
    }

    @Override
    protected KeyspaceWalk.Fold newFold(IntFunction<KeyspaceWalk.Fold> folds, int size) {
        return new NamespaceTree(size, separators, depth, biggest);
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) throws Exception {
        if (ctx.oneShot() && ctx.baselinePass()) {
            return; // memory needs no baseline: walk once, in the reported pass
        }
        String address = node.node().address();
        NamespaceTree tree;
        boolean complete;
        long total;
        if (ctx.oneShot()) {
            tree = (NamespaceTree) walked(ctx, node, out);
            if (tree == null) {
                return; // the walk's budget ended before this node
            }
            complete = walkComplete();
            total = complete ? tree.keys() : node.sync().dbsize();
        } else {
            NamespaceTree pass = current.computeIfAbsent(address, a -> (NamespaceTree) newFold(null, (int) (long) ctx.setting(MAX_PREFIXES)));
            KeyspaceWalk.PageReader reader = new KeyspaceWalk.PageReader(node, Set.of(KeyspaceWalk.Need.SIZE, KeyspaceWalk.Need.TTL));
            KeyScanner.Walk walk = scanner.walk(ctx, node, keys -> pass.accept(reader.read(keys), System.currentTimeMillis()));
            coverKeys(out, walk.passKeys(), walk.total());
            if (walk.passCompleted()) {
                completed.put(address, pass);
                current.remove(address);
            }
            complete = completed.containsKey(address);
            tree = complete ? completed.get(address) : pass;
            total = complete ? tree.keys() : walk.total();
        }
        report(ctx, node, out, tree, complete, total);
    }

    private void report(DetectionContext ctx, NodeClient node, Detection.Builder out, NamespaceTree tree, boolean complete, long total) {
        String address = node.node().address();
        List<NamespaceTree.Namespace> ranked = tree.ranked();
        out.signal(TRACKED, ranked.size(), tags(node));
        long memory = tree.memory();
        double largest = ranked.stream().filter(n -> n.depth() == 1).findFirst()
                .map(n -> memory == 0 ? 0.0 : (double) n.memory() / memory).orElse(0.0);
        out.signal(LARGEST_SHARE, largest, tags(node));
        int published = (int) Math.min(ctx.setting(SIGNALS), ranked.size());
        for (int i = 0; i < published; i++) {
            NamespaceTree.Namespace n = ranked.get(i);
            out.signal(MEMORY, n.memory(), tags(node, shown(n.prefix())));
            out.signal(KEYS, n.keys(), tags(node, shown(n.prefix())));
        }
        String coverage = complete ? String.format(Locale.ROOT, "complete walk of %,d keys", tree.keys())
                : String.format(Locale.ROOT, "sampled: %,d of %,d keys walked", tree.keys(), total);
        if (tree.keys() == 0) {
            return;
        }
        // a namespace whose every key is under one sub-namespace is listed as that sub-namespace only
        Map<String, NamespaceTree.Namespace> byPrefix = new HashMap<>();
        ranked.forEach(n -> byPrefix.put(n.prefix(), n));
        Set<String> whole = new java.util.HashSet<>();
        for (NamespaceTree.Namespace c : ranked) {
            NamespaceTree.Namespace parent = c.depth() > 1 ? byPrefix.get(parent(c.prefix())) : null;
            if (parent != null && parent.keys() == c.keys() && parent.memory() == c.memory()) {
                whole.add(parent.prefix());
            }
        }
        List<NamespaceTree.Namespace> listed = ranked.stream().filter(n -> !whole.contains(n.prefix())).toList();
        int shownCount = (int) Math.min(ctx.setting(SHOWN), listed.size());
        String top = listed.stream().limit(shownCount).map(n -> describe(n, memory)).collect(Collectors.joining("; "));
        out.note(String.format(Locale.ROOT, "top namespaces on %s by memory (%s, %s%s): %s%s", address, coverage,
                size(memory), tree.unseparatedKeys() > 0
                        ? String.format(Locale.ROOT, ", %,d keys without a separator", tree.unseparatedKeys()) : "",
                top.isEmpty() ? "none" : top,
                listed.size() > shownCount ? String.format(Locale.ROOT, "; and %,d more", listed.size() - shownCount) : ""));
        if (memory < ctx.setting(MIN_MEMORY)) {
            return;
        }
        double share = ctx.setting(SHARE);
        List<NamespaceTree.Namespace> over = ranked.stream().filter(n -> n.guaranteedMemory() >= share * memory).toList();
        for (NamespaceTree.Namespace n : over) {
            boolean deeperOver = over.stream().anyMatch(c -> c.depth() > n.depth() && c.prefix().startsWith(n.prefix()));
            if (deeperOver) {
                continue; // one finding per cause: the most specific namespace that holds the share
            }
            String name = shown(n.prefix());
            out.finding(ctx.finding(Problem.STORAGE_BLOAT, Severity.INFO, "namespace " + name + " on " + address)
                    .summary(String.format(Locale.ROOT, "Namespace %s holds %.0f %% of the memory of the walked keys on Redis %s:"
                                    + " %s in %,d keys, %.0f %% of them without TTL (%s)", name, 100.0 * n.memory() / memory,
                            address, size(n.memory()), n.keys(), 100 * n.noTtlShare(), coverage))
                    .evidence("namespace", name).evidence("memory_bytes", n.memory()).evidence("memory_error_bytes", n.error())
                    .evidence("share", MemoryDetector.round((double) n.memory() / memory)).evidence("keys", n.keys())
                    .evidence("without_ttl_share", MemoryDetector.round(n.noTtlShare()))
                    .evidence("biggest_keys", biggest(n)).evidence("walked_keys", tree.keys()).evidence("total_keys", total)
                    .evidence("walked_memory_bytes", memory).evidence("scan_pass_complete", complete)
                    .hint("find what writes " + name + " keys: if they are cache entries, give them a TTL; else trim, shard or"
                            + " move that data to its own instance before it crowds out the rest (MEMORY USAGE of the biggest"
                            + " keys listed shows where it goes)"));
        }
    }

    private String describe(NamespaceTree.Namespace n, long memory) {
        return String.format(Locale.ROOT, "%s %.1f %% (%s, %,d keys, %.0f %% without TTL%s)", shown(n.prefix()),
                memory == 0 ? 0.0 : 100.0 * n.memory() / memory, size(n.memory()), n.keys(),
                100 * n.noTtlShare(), n.biggest().isEmpty() ? "" : ", biggest " + biggest(n));
    }

    private String biggest(NamespaceTree.Namespace n) {
        return n.biggest().stream().map(k -> keyName(k.key()) + " " + size(k.memory())).collect(Collectors.joining(", "));
    }

    /** Bytes in the unit that keeps them readable (a namespace's biggest keys may be a few dozen bytes). */
    static String size(long bytes) {
        String[] units = {"GB", "MB", "kB"};
        for (int i = 0; i < units.length; i++) {
            double f = 1L << (30 - 10 * i);
            if (bytes >= f) {
                return String.format(Locale.ROOT, "%.1f %s", bytes / f, units[i]);
            }
        }
        return bytes + " B";
    }

    /** The namespace one level up: {@code user:} for {@code user:42:}. */
    private String parent(String prefix) {
        for (int i = prefix.length() - 2; i >= 0; i--) {
            if (separators.indexOf(prefix.charAt(i)) >= 0) {
                return prefix.substring(0, i + 1);
            }
        }
        return "";
    }

    private String shown(String prefix) {
        return NamespaceTree.UNSEPARATED.equals(prefix) ? prefix : keyNames().shownPrefix(prefix, separators);
    }
}
