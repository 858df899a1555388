package dev.telltale.postgres.internal.stats;

import dev.telltale.postgres.internal.stats.StatementsDetector.Delta;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The server-side N+1 signature over one window of {@code pg_stat_statements} deltas: a cheap statement whose
 * calls track the rows another statement returned. An application that runs one lookup per row of an outer
 * query makes the lookup's call count equal the outer query's row count, whatever the transactions around them
 * (one, many, autocommit) and whatever else the database does; so the test is
 * {@code |child calls / parent rows - 1| <= tolerance}, with the child a few-rows-per-call statement called at
 * least {@code minCalls} times, and the parent returning at least {@code minFanOut} rows per call. Commit counts
 * play no part: rolled-back work, other applications' transactions and autocommit traffic do not dilute it.
 *
 * <p>This works on counters only; whether the two statements have the shape of a loop (the child a SELECT by a
 * parameter, the parent a statement that returns rows, neither our own) is decided afterwards on their text
 * ({@link StatementShape}), which is why a few parents are kept per child. A coincidence of counts between
 * unrelated statements needs a lookup called exactly as often as a many-rows statement returned rows, within the
 * tolerance, in the same window and database: raising {@code minCalls} or {@code minParentCalls} and lowering the
 * tolerance make it rarer.
 */
final class FanOut {
    /** Parents kept per child for the text check. */
    static final int PARENTS_PER_CHILD = 3;

    /** Thresholds of the signature, from the detector's settings. */
    record Thresholds(long minCalls, double maxRowsPerCall, double minFanOut, double tolerance, long minParentCalls) {
    }

    /**
     * A child statement and a parent whose rows it tracks.
     *
     * @param ratio child calls per parent row (1.0: one call per row exactly)
     */
    record Pair(Delta child, Delta parent, double ratio) {
        /** Child calls per parent call: the rows one parent call hands to the loop. */
        double fanOut() {
            return (double) child.calls() / parent.calls();
        }
    }

    private FanOut() {
    }

    /** For each candidate child, its candidate parents (closest ratio first, at most {@link #PARENTS_PER_CHILD}). */
    static List<List<Pair>> candidates(List<Delta> deltas, Thresholds t) {
        List<Delta> parents = deltas.stream().filter(d -> d.calls() >= t.minParentCalls() && d.rows() > 0)
                .sorted(Comparator.comparingLong(Delta::rows)).toList();
        List<List<Pair>> out = new ArrayList<>();
        for (Delta child : deltas) {
            if (child.calls() < t.minCalls() || child.rowsPerCall() > t.maxRowsPerCall()) {
                continue;
            }
            List<Pair> pairs = new ArrayList<>();
            // parent rows within the tolerance of the child's calls: a range of the parents sorted by rows
            long lowest = (long) Math.ceil(child.calls() / (1 + t.tolerance()));
            for (int i = firstWithRows(parents, lowest); i < parents.size(); i++) {
                Delta parent = parents.get(i);
                double ratio = (double) child.calls() / parent.rows();
                if (ratio < 1 - t.tolerance()) {
                    break;
                }
                if (parent.key().equals(child.key()) || parent.key().dbid() != child.key().dbid()
                        || (double) child.calls() / parent.calls() < t.minFanOut()) {
                    continue;
                }
                pairs.add(new Pair(child, parent, ratio));
            }
            if (!pairs.isEmpty()) {
                pairs.sort(Comparator.comparingDouble((Pair p) -> Math.abs(p.ratio() - 1))
                        .thenComparing(Comparator.comparingLong((Pair p) -> p.parent().calls())));
                out.add(List.copyOf(pairs.subList(0, Math.min(PARENTS_PER_CHILD, pairs.size()))));
            }
        }
        out.sort(Comparator.comparingLong((List<Pair> l) -> l.get(0).child().calls()).reversed());
        return out;
    }

    private static int firstWithRows(List<Delta> sorted, long rows) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted.get(mid).rows() < rows) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
