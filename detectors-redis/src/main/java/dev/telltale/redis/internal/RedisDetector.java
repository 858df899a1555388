package dev.telltale.redis.internal;

import dev.telltale.core.AbstractDetector;
import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectionNotApplicableException;
import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.DetectorSpec;
import dev.telltale.redis.RedisTarget;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The per-node fan-out every Redis detector shares: the detection runs on each node of the target in
 * turn, and signals carry the node's address and role. A node that fails makes the run fail (naming the
 * node) rather than report a partial "nothing found"; a node that cannot be looked at is skipped (a config a
 * person can change) or not applicable (a standalone node for a cluster check). A run where no node was looked
 * at is skipped when any node was skipped, else not applicable. Subclasses pass their
 * class's {@code SPEC} and implement {@link #detectNode}.
 */
public abstract class RedisDetector extends AbstractDetector {
    private final RedisTarget target;
    private long coveredKeys;
    private long totalKeys;

    protected RedisDetector(RedisTarget target, DetectorSpec spec) {
        super(spec, Objects.requireNonNull(target, "target").name());
        this.target = target;
    }

    /** A key name as the target's {@link dev.telltale.redis.KeyNames} policy lets findings show it. */
    protected final String keyName(String key) {
        return target.keyNames().shown(key);
    }

    /** The target's key-name policy, for what findings show of key names and namespaces. */
    protected final dev.telltale.redis.KeyNames keyNames() {
        return target.keyNames();
    }

    @Override
    public final Detection detect(DetectionContext ctx) throws Exception {
        try {
            return detectNodes(ctx);
        } catch (RuntimeException e) {
            if (timedOut(e)) {
                RedisTargetAccess.reconnect(target);
            }
            throw e;
        }
    }

    private Detection detectNodes(DetectionContext ctx) throws Exception {
        coveredKeys = 0;
        totalKeys = 0;
        beforeNodes(ctx);
        Detection.Builder out = Detection.builder();
        List<String> failures = new ArrayList<>();
        List<String> skips = new ArrayList<>();
        List<String> notApplicable = new ArrayList<>();
        List<NodeClient> unreachable = new ArrayList<>();
        List<RuntimeException> unreachableCauses = new ArrayList<>();
        int looked = 0;
        List<NodeClient> nodes = RedisTargetAccess.nodeClients(target);
        for (NodeClient node : nodes) {
            if (!appliesTo(node)) {
                continue;
            }
            try {
                detectNode(ctx, node, out);
                looked++;
            } catch (DetectionSkippedException e) {
                skips.add(e.getMessage());
            } catch (DetectionNotApplicableException e) {
                notApplicable.add(e.getMessage());
            } catch (RuntimeException e) {
                if (timedOut(e)) {
                    // the link may be half-open: the next run gets new connections whatever this one reports
                    RedisTargetAccess.reconnect(target);
                }
                if (reportsUnreachableNodes() && unreachable(e)) {
                    unreachable.add(node);
                    unreachableCauses.add(e);
                } else {
                    failures.add(node.node().address() + ": " + e);
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(spec().id() + " failed on " + String.join("; ", failures));
        }
        if (looked == 0 && !unreachable.isEmpty()) {
            throw new IllegalStateException(spec().id() + ": no node answered: " + unreachableCauses.get(0), unreachableCauses.get(0));
        }
        for (int i = 0; i < unreachable.size(); i++) {
            reportUnreachable(ctx, unreachable.get(i), unreachableCauses.get(i), out);
        }
        afterNodes(ctx, nodes, out);
        if (looked == 0 && !skips.isEmpty()) {
            return Detection.skipped(String.join("; ", new LinkedHashSet<>(skips)));
        }
        if (looked == 0 && !notApplicable.isEmpty()) {
            throw new DetectionNotApplicableException(String.join("; ", new LinkedHashSet<>(notApplicable)));
        }
        return out.build();
    }

    /**
     * Whether a node that does not answer (connection refused or reset, command timeout) is something this
     * detector reports, as long as another node answered, instead of a failed run. True for the detectors
     * whose subject is the nodes' availability (replication, cluster).
     */
    protected boolean reportsUnreachableNodes() {
        return false;
    }

    /** Called for each node that did not answer, when {@link #reportsUnreachableNodes()}. */
    protected void reportUnreachable(DetectionContext ctx, NodeClient node, RuntimeException cause, Detection.Builder out) {
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.lettuce.core.RedisConnectionException || t instanceof io.lettuce.core.RedisCommandTimeoutException
                    || t instanceof java.io.IOException || LinkOptions.rejectedWhileDisconnected(t)) {
                return true;
            }
        }
        return false;
    }

    static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.lettuce.core.RedisCommandTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Which nodes this detector looks at; all by default. */
    protected boolean appliesTo(NodeClient node) {
        return true;
    }

    /**
     * One node; throw {@link DetectionSkippedException} when it cannot be looked at, or
     * {@link DetectionNotApplicableException} when the node has no such subject.
     */
    protected abstract void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) throws Exception;

    /** Before the first node: resets what one run gathers across nodes. */
    protected void beforeNodes(DetectionContext ctx) {
    }

    /** After every node: cross-node checks (skew, several masters). */
    protected void afterNodes(DetectionContext ctx, List<NodeClient> nodes, Detection.Builder out) throws Exception {
    }

    /**
     * Adds one node's share to the run's coverage of the keyspace (summed over the nodes walked this run);
     * for the key detectors.
     */
    protected void coverKeys(Detection.Builder out, long scanned, long total) {
        coveredKeys += scanned;
        totalKeys += total;
        out.coverage(coveredKeys, totalKeys, "keys");
    }

    /** The {@code node} and {@code role} tag values, first in every signal of this module. */
    protected static String[] tags(NodeClient node, String... more) {
        String[] t = new String[2 + more.length];
        t[0] = node.node().address();
        t[1] = node.node().role().label();
        System.arraycopy(more, 0, t, 2, more.length);
        return t;
    }

    /** The subject of a node-level finding. */
    protected static String nodeSubject(NodeClient node) {
        return "node " + node.node().address();
    }

    @Override
    public String toString() {
        return spec().id() + "@" + target.name();
    }
}
