package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Setting;
import dev.telltale.redis.RedisNode;
import dev.telltale.redis.RedisTarget;

import java.time.Duration;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * A detector over the keys of the masters. Scheduled runs walk the keyspace with their own budgeted,
 * resumable {@link KeyScanner}; a one-shot check reads the {@link KeyspaceWalk} every key detector of the
 * target shares (one walk however many detectors read it), within {@code scan.check-budget}, and reports the
 * part it covered. Subclasses say what the walk must read per key and how to fold one node's keys into a
 * bounded summary, sized by one of their settings.
 */
public abstract class KeyWalkDetector extends RedisDetector {
    protected final KeyScanner scanner = new KeyScanner();
    private final KeyspaceWalk walk;
    private final KeyspaceWalk.Subscriber subscriber;
    private final Setting<Long> foldSize;
    private volatile int size;
    private volatile Duration checkBudget = KeyspaceWalk.CHECK_BUDGET.defaultValue();
    private KeyspaceWalk.Pass shared;

    /**
     * @param needs    what the walk reads per key besides its type
     * @param foldSize the setting that bounds the summary of one node (its top K, the prefixes kept, ...)
     * @param folds    a fresh summary of one node's keys, of that size
     */
    protected KeyWalkDetector(RedisTarget target, DetectorSpec spec, KeyspaceWalk walk, Set<KeyspaceWalk.Need> needs,
                              Setting<Long> foldSize, IntFunction<KeyspaceWalk.Fold> folds) {
        super(target, spec);
        this.walk = walk;
        this.foldSize = foldSize;
        this.size = (int) (long) foldSize.defaultValue();
        this.subscriber = new KeyspaceWalk.Subscriber() {
            @Override
            public Set<KeyspaceWalk.Need> needs() {
                return walkNeeds(needs);
            }

            @Override
            public int memorySamples() {
                return KeyWalkDetector.this.memorySamples();
            }

            @Override
            public Duration checkBudget() {
                return checkBudget;
            }

            @Override
            public KeyspaceWalk.Fold fold(NodeClient node) {
                return newFold(folds, size);
            }
        };
    }

    /** What the walk reads per key for this detector as configured; the constructor's needs by default. */
    protected Set<KeyspaceWalk.Need> walkNeeds(Set<KeyspaceWalk.Need> needs) {
        return needs;
    }

    /** A fresh summary of one node's keys; the constructor's {@code folds} by default. */
    protected KeyspaceWalk.Fold newFold(IntFunction<KeyspaceWalk.Fold> folds, int size) {
        return folds.apply(size);
    }

    /** MEMORY USAGE samples, when the walk reads sizes. */
    protected int memorySamples() {
        return 5;
    }

    /** Reads this detector's own settings, before it subscribes to the walk. */
    protected void configureKeys(DetectorSettings settings) {
    }

    @Override
    public final void configure(DetectorSettings settings) {
        configureKeys(settings);
        size = (int) (long) settings.get(foldSize);
        checkBudget = settings.get(KeyspaceWalk.CHECK_BUDGET);
        if (settings.enabled()) {
            walk.subscribe(subscriber);
        }
    }

    @Override
    protected void beforeNodes(DetectionContext ctx) {
        shared = null;
    }

    @Override
    protected final boolean appliesTo(NodeClient node) {
        return node.node().role() == RedisNode.Role.MASTER;
    }

    /**
     * One-shot checks: this node's summary from the shared walk (null when the walk did not reach the node),
     * after the walk's coverage is added to {@code out}. The first node of a run waits for the walk.
     */
    protected final KeyspaceWalk.Fold walked(DetectionContext ctx, NodeClient node, Detection.Builder out) throws Exception {
        if (shared == null) {
            shared = walk.join(ctx, subscriber);
        }
        out.coverage(shared.scanned(), shared.coveredTotal(), "keys");
        return shared.fold(node, subscriber);
    }

    /** Whether the shared walk of this run covered the whole keyspace; only after {@link #walked}. */
    protected final boolean walkComplete() {
        return shared.complete();
    }
}
