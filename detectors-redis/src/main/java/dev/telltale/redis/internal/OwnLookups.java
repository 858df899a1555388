package dev.telltale.redis.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The keyspace hits and misses Telltale's own key walk causes on each node, so that {@code redis.cache-efficiency}
 * can leave them out of the hit ratio it computes. Each page of the walk runs as one script, which reads the
 * server's counters before and after its lookups: the ledger knows each page's lookups and where on the server's
 * running total (keyspace_hits + keyspace_misses) they ended. A reader that saw the total T in INFO takes exactly
 * the pages that ended at or below T, whatever the interleaving with the walk (a script runs atomically, so it ran
 * wholly before or wholly after that INFO). Pages whose position is unknown (the pipelined fallback) go to the next
 * reader.
 */
public final class OwnLookups {
    /** Pages kept per node at most, for a ledger nobody reads (redis.cache-efficiency disabled). */
    private static final int MAX_PAGES = 10_000;

    /** Our own hits and misses in one window. */
    public record Count(long hits, long misses) {
        static final Count NONE = new Count(0, 0);
    }

    private record Page(long endTotal, long hits, long misses) {
    }

    private static final class Ledger {
        long sent;
        long settled;
        final ArrayDeque<Page> pages = new ArrayDeque<>();
        long unplacedHits;
        long unplacedMisses;
    }

    private final Map<String, Ledger> ledgers = new HashMap<>();

    private Ledger ledger(String node) {
        return ledgers.computeIfAbsent(node, n -> new Ledger());
    }

    /** A page is about to be sent to {@code node}. */
    synchronized void sending(String node) {
        ledger(node).sent++;
    }

    /** A page's answer: its lookups, and the server's total after them ({@code endTotal < 0}: unknown). */
    synchronized void settled(String node, long hits, long misses, long endTotal) {
        Ledger l = ledger(node);
        l.settled++;
        if (endTotal < 0) {
            l.unplacedHits += hits;
            l.unplacedMisses += misses;
        } else if (hits + misses > 0) {
            l.pages.addLast(new Page(endTotal, hits, misses));
            if (l.pages.size() > MAX_PAGES) {
                l.pages.removeFirst();
            }
        }
        notifyAll();
    }

    /** Every page sent to {@code node} that will get no answer (the walk stopped). */
    synchronized void abandon(String node) {
        Ledger l = ledger(node);
        l.settled = l.sent;
        notifyAll();
    }

    /**
     * Our lookups on {@code node} that the server counted at or below {@code total} since the last take, read
     * right after an INFO that showed that total. Pages sent before this call are waited for (at most
     * {@code wait}), since they may have run before that INFO.
     */
    public synchronized Count take(String node, long total, Duration wait) throws InterruptedException {
        Ledger l = ledger(node);
        long sentBefore = l.sent;
        long deadline = System.nanoTime() + wait.toNanos();
        while (l.settled < sentBefore && deadline - System.nanoTime() > 0) {
            wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        long hits = l.unplacedHits;
        long misses = l.unplacedMisses;
        l.unplacedHits = 0;
        l.unplacedMisses = 0;
        while (!l.pages.isEmpty() && l.pages.peekFirst().endTotal() <= total) {
            Page p = l.pages.removeFirst();
            hits += p.hits();
            misses += p.misses();
        }
        return hits + misses == 0 ? Count.NONE : new Count(hits, misses);
    }

    /** The node's counters were reset or it restarted: the positions of recorded pages mean nothing now. */
    public synchronized void forget(String node) {
        Ledger l = ledger(node);
        l.pages.clear();
        l.unplacedHits = 0;
        l.unplacedMisses = 0;
    }
}
