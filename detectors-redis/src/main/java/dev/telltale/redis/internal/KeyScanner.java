package dev.telltale.redis.internal;

import dev.telltale.core.DetectionContext;
import dev.telltale.core.Setting;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanCursor;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A budgeted, resumable SCAN per node for scheduled runs: each run walks at most {@code scan.keys} keys and
 * {@code scan.time} (and never more than half the run's remaining deadline), then keeps the cursor for the
 * next run, and says how far the pass has got (one-shot checks walk the whole keyspace: {@link KeyspaceWalk}). Each
 * batch of keys goes to a handler that pipelines its per-key commands (O(1) each). Never KEYS.
 */
public final class KeyScanner {
    public static final Setting<Long> KEYS = Setting.count("scan.keys", 100_000, "Keys visited per run and node.");
    public static final Setting<Duration> TIME = Setting.duration("scan.time", Duration.ofSeconds(3),
            "Wall-clock budget of the key walk per run and node (also capped at half the run's timeout).");
    public static final Setting<Long> COUNT = Setting.count("scan.count", 100,
            "SCAN COUNT hint: keys per SCAN call and per pipelined batch (bounds each command's pause).")
            .atLeast(1L);

    private final Map<String, String> cursors = new HashMap<>();
    private final Map<String, Long> passKeys = new HashMap<>();

    /** What to do with one batch of keys; it runs on the caller's thread between SCAN calls. */
    @FunctionalInterface
    public interface BatchHandler {
        void handle(List<String> keys) throws Exception;
    }

    /**
     * The outcome of one run's walk on one node.
     *
     * @param passKeys keys visited in the current pass so far, this run included (the whole pass when it completed)
     * @param total    DBSIZE of the node when the run began
     */
    public record Walk(long keys, boolean passCompleted, long scanCalls, Duration took, long passKeys, long total) {
    }

    public Walk walk(DetectionContext ctx, NodeClient node, BatchHandler handler) throws Exception {
        return walk(ctx, node, null, handler);
    }

    /** Walks on from this node's saved cursor; {@code type} filters with SCAN TYPE (6.0+) when not null. */
    public Walk walk(DetectionContext ctx, NodeClient node, String type, BatchHandler handler) throws Exception {
        long start = System.nanoTime();
        long budgetNanos = Math.min(ctx.setting(TIME).toNanos(), ctx.remaining().toNanos() / 2);
        long maxKeys = ctx.setting(KEYS);
        String address = node.node().address();
        ScanCursor cursor = ScanCursor.of(cursors.getOrDefault(address, "0"));
        KeyScanArgs args = KeyScanArgs.Builder.limit(ctx.setting(COUNT));
        if (type != null) {
            args.type(type);
        }
        long total = node.sync().dbsize();
        long before = passKeys.getOrDefault(address, 0L);
        long keys = 0;
        long calls = 0;
        boolean completed = false;
        // the next page is asked for before the current one is handled, so SCAN overlaps the handler's batches
        RedisFuture<KeyScanCursor<String>> next = node.async().scan(cursor, args);
        while (next != null) {
            KeyScanCursor<String> page = next.get(node.timeout().toNanos(), TimeUnit.NANOSECONDS);
            calls++;
            boolean more = !page.isFinished() && keys + page.getKeys().size() < maxKeys
                    && System.nanoTime() - start < budgetNanos;
            next = more ? node.async().scan(ScanCursor.of(page.getCursor()), args) : null;
            if (!page.getKeys().isEmpty()) {
                handler.handle(page.getKeys());
                keys += page.getKeys().size();
                ctx.progress(before + keys, total, "keys");
            }
            if (page.isFinished()) {
                completed = true;
                cursor = ScanCursor.INITIAL;
            } else {
                cursor = ScanCursor.of(page.getCursor());
            }
        }
        cursors.put(address, completed ? "0" : cursor.getCursor());
        passKeys.put(address, completed ? 0L : before + keys);
        return new Walk(keys, completed, calls, Duration.ofNanos(System.nanoTime() - start), before + keys, total);
    }

    /**
     * Waits for a batch of pipelined commands within the node's command timeout. A command that failed
     * (a key replaced by another type between TYPE and its size command) is not an error of the batch:
     * {@link #value} gives null for it.
     */
    public static void await(NodeClient node, List<? extends java.util.concurrent.Future<?>> futures) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + node.timeout().toNanos();
        for (java.util.concurrent.Future<?> f : futures) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                // read as null by value()
            } catch (TimeoutException e) {
                throw new TimeoutException("pipelined batch of " + futures.size() + " commands on " + node.node().address()
                        + " not answered within " + node.timeout());
            }
        }
    }

    /** The value of a finished future, or null when that key's command failed (the key vanished, wrong type). */
    public static <T> T value(java.util.concurrent.Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
