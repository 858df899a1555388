package dev.telltale.postgres.internal.activity;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.QueryText;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;
import dev.telltale.postgres.internal.Words;
import dev.telltale.postgres.internal.schema.ForeignKeysDetector;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code postgres.lock-waits}: who waits on whom. For every session waiting on a lock it follows
 * {@code pg_blocking_pids} up to the <em>root blocker</em> (the session that holds the lock and is not waiting
 * itself), and reports one finding per root: what it is doing (idle in transaction, running a query), how
 * old its transaction is, how many sessions queue behind it, on which relation, and the longest wait (exact
 * from {@code pg_locks.waitstart} on 14+). It also watches how full the shared lock table is.
 */
public final class LockWaitsDetector extends PostgresDetector implements LockWaitsDetectorSpec {
    static final List<String> LOCK_TYPES = List.of("relation", "extend", "frozenid", "page", "tuple", "transactionid",
            "virtualxid", "spectoken", "object", "userlock", "advisory", "applytransaction", "other");

    private static final SqlFile<Waiter> WAITS_SQL = SqlFile.load(LockWaitsDetector.class, "lock-waits", Waiter.class);
    private static final SqlFile<Blocker> BLOCKERS_SQL = SqlFile.load(LockWaitsDetector.class, "blocking-sessions",
            Blocker.class);
    private static final SqlFile<LockTable> LOCK_TABLE_SQL = SqlFile.load(LockWaitsDetector.class, "lock-table",
            LockTable.class);
    /** At most this many unindexed foreign keys named in one finding's evidence. */
    private static final int CAUSES_SHOWN = 3;
    /** pg_blocking_pids reports a prepared transaction holding the lock as pid 0. */
    private static final int PREPARED_XACT = 0;

    public LockWaitsDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    record Waiter(int pid, String usename, String applicationName, String datname, String waitEvent, String query,
                  List<Integer> blockers, double waitSeconds, boolean exactWait, double xactSeconds, String locktype,
                  String mode, String relation, Long relid, Integer page, Integer tuple) {
        String lockedObject() {
            if (relation != null && page != null && tuple != null) {
                return "row (" + page + "," + tuple + ") of " + relation;
            }
            if (relation != null) {
                return relation;
            }
            return locktype == null ? "a lock" : "a " + locktype + " lock";
        }
    }

    record Blocker(int pid, String usename, String applicationName, String datname, String state, String backendType,
                   String waitEventType, String waitEvent, String query, String clientAddr, Double xactSeconds,
                   Double stateSeconds, long locksHeld) {
    }

    /** One root blocker and everyone queued behind it, directly or through other waiters. */
    record Chain(int root, List<Waiter> blocked, int depth, List<Integer> longestPath) {
        Waiter longestWaiter() {
            return blocked.stream().max(Comparator.comparingDouble(Waiter::waitSeconds)).orElseThrow();
        }
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) throws SQLException {
        Duration warning = ctx.setting(WARNING);
        Duration critical = ctx.setting(CRITICAL);
        tx.server().requireSeesAllSessions();
        List<Waiter> waiters = tx.sharedList(WAITS_SQL, Map.of("limit", tx.maxRows()), this, ctx.settings().interval())
                .stream().filter(w -> tx.owns(w.datname()))
                // pg_stat_activity is a snapshot but pg_locks is live: no ungranted lock left means it stopped waiting
                .filter(w -> w.locktype() != null)
                .toList();

        List<Chain> chains = chains(waiters);
        Map<Integer, Blocker> blockers = new HashMap<>();
        List<Integer> rootPids = chains.stream().map(Chain::root).filter(p -> p != PREPARED_XACT).distinct().toList();
        if (!rootPids.isEmpty()) {
            tx.list(BLOCKERS_SQL, Map.of("pids", rootPids.stream().mapToInt(Integer::intValue).toArray()))
                    .forEach(b -> blockers.put(b.pid(), b));
        }
        LockTable table = tx.sharedOne(LOCK_TABLE_SQL, Map.of(), this, ctx.settings().interval());

        Detection.Builder out = Detection.builder();
        out.signal(WAITING, waiters.size());
        Map<String, Long> byType = new LinkedHashMap<>();
        LOCK_TYPES.forEach(t -> byType.put(t, 0L));
        waiters.forEach(w -> byType.merge(LOCK_TYPES.contains(w.locktype()) ? w.locktype() : "other", 1L, Long::sum));
        byType.forEach((t, n) -> out.signal(WAITING_BY_TYPE, n, t));
        out.signal(LONGEST_WAIT, waiters.stream().mapToDouble(Waiter::waitSeconds).max().orElse(0));
        out.signal(ROOT_BLOCKERS, chains.size());
        out.signal(CHAIN_DEPTH, chains.stream().mapToInt(Chain::depth).max().orElse(0));
        double tableUse = table.capacity() == 0 ? 0 : table.sharedEntries() / (double) table.capacity();
        if (tx.reportsServer()) {
            // the server's lock table: published by the server's first target only in a fleet
            out.signal(LOCK_TABLE, tableUse);
        }

        long blockedWarning = ctx.setting(BLOCKED_WARNING);
        double minWait = ctx.setting(BLOCKED_MIN_WAIT).toMillis() / 1000.0;
        long max = ctx.setting(MAX_FINDINGS);
        List<Chain> ranked = chains.stream()
                .sorted(Comparator.comparingInt((Chain c) -> c.blocked().size()).reversed()
                        .thenComparing(Comparator.comparingDouble((Chain c) -> c.longestWaiter().waitSeconds()).reversed()))
                .toList();
        int cut = 0;
        Map<Chain, Severity> reported = new LinkedHashMap<>();
        for (int i = 0; i < ranked.size(); i++) {
            Chain chain = ranked.get(i);
            double wait = chain.longestWaiter().waitSeconds();
            Severity severity = wait >= seconds(critical) ? Severity.CRITICAL
                    : wait >= seconds(warning) ? Severity.WARNING
                    : chain.blocked().size() >= blockedWarning && wait >= minWait ? Severity.WARNING
                    : null;
            if (severity != null && i >= max) {
                cut++;
            } else if (severity != null) {
                reported.put(chain, severity);
            }
        }
        // the structural cause behind a wait on a child table: one catalog query, only when a chain is reported
        Map<Long, List<String>> causes = ForeignKeysDetector.unindexedOn(tx, reported.keySet().stream()
                .flatMap(c -> c.blocked().stream()).map(Waiter::relid).filter(r -> r != null).collect(Collectors.toSet()),
                CAUSES_SHOWN);
        reported.forEach((chain, severity) -> out.finding(chainFinding(ctx, severity, chain, chain.longestWaiter(),
                Optional.ofNullable(blockers.get(chain.root())), causes)));
        int shown = reported.size();
        Notes.truncated(out, ID, MAX_FINDINGS, max, shown, cut, "lock chains");

        Severity tableSeverity = tableUse >= ctx.setting(LOCK_TABLE_CRITICAL) ? Severity.CRITICAL
                : tableUse >= ctx.setting(LOCK_TABLE_WARNING) ? Severity.WARNING : null;
        if (tableSeverity != null && tx.reportsServer()) {
            out.finding(tx.aboutServer(ctx.finding(Problem.DATABASE_DEADLOCKS, tableSeverity, "shared lock table")
                    .summary("The shared lock table is " + Words.percent(tableUse) + " full (" + table.sharedEntries()
                            + " of " + table.capacity() + " entries); when it fills, statements fail with 'out of shared memory'")
                    .evidence("entries", table.sharedEntries())
                    .evidence("capacity", table.capacity())
                    .evidence("utilization", Words.round3(tableUse))
                    .evidence("all_locks_including_fast_path", table.allLocks())
                    .evidence("max_locks_per_transaction", table.maxLocksPerTransaction())
                    .evidence("max_connections", table.maxConnections())
                    .evidence("max_prepared_transactions", table.maxPreparedTransactions())
                    .hint("Look for transactions touching very many relations or partitions (select pid, count(*) from "
                            + "pg_locks group by 1 order by 2 desc); raise max_locks_per_transaction (restart) if that is normal.")
                    .holdFor(ctx.setting(FOR))));
        }
        return out.build();
    }

    private static Finding.Builder chainFinding(DetectionContext ctx, Severity severity, Chain chain, Waiter longest,
                                                Optional<Blocker> blocker, Map<Long, List<String>> causes) {
        int root = chain.root();
        boolean prepared = root == PREPARED_XACT;
        String subject = prepared ? "sessions blocked by a prepared transaction" : "sessions blocked by pid " + root;
        String rootWords;
        if (prepared) {
            rootWords = "A prepared transaction";
        } else if (blocker.isPresent()) {
            Blocker b = blocker.get();
            String doing = b.state() == null ? b.backendType()
                    : b.state() + (b.stateSeconds() == null ? "" : " for " + Words.seconds(b.stateSeconds()));
            rootWords = "pid " + root + " (" + label(b.applicationName(), b.usename()) + ", " + doing + ")";
        } else {
            rootWords = "pid " + root + " (gone since the waits were read)";
        }
        // the object most of the direct waiters queue on
        String object = chain.blocked().stream()
                .filter(w -> w.blockers().contains(root))
                .collect(Collectors.groupingBy(Waiter::lockedObject, LinkedHashMap::new, Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(longest.lockedObject());
        String relation = chain.blocked().stream().map(Waiter::relation).filter(r -> r != null).findFirst().orElse(null);
        Finding.Builder f = ctx.finding(Problem.DATABASE_DEADLOCKS, severity, subject)
                .summary(rootWords + " blocks " + Words.count(chain.blocked().size(), "session") + " waiting on " + object
                        + "; the longest has waited " + (longest.exactWait() ? "" : "up to ") + Words.seconds(longest.waitSeconds()))
                .evidence("root_pid", root)
                .evidence("blocked_sessions", chain.blocked().size())
                // the victims: postgres.long-running leaves sessions waiting on a lock to this finding
                .evidence("blocked_pids", chain.blocked().stream().map(w -> String.valueOf(w.pid()))
                        .collect(Collectors.joining(", ")))
                .evidence("longest_wait_seconds", Words.round3(longest.waitSeconds()))
                .evidence("wait_measured", longest.exactWait() ? "from pg_locks.waitstart" : "from query start (an upper bound)")
                .evidence("longest_waiter_pid", longest.pid())
                .evidence("longest_waiter_query", QueryText.shown(longest.query(), 300))
                .evidence("relation", relation)
                .evidence("locked", object)
                .evidence("lock_type", longest.locktype())
                .evidence("lock_mode", longest.mode())
                .evidence("chain", chain.longestPath().stream().map(String::valueOf).collect(Collectors.joining(" -> ")))
                .evidence("chain_depth", chain.depth());
        String cause = chain.blocked().stream().map(Waiter::relid).filter(r -> r != null).distinct()
                .flatMap(r -> causes.getOrDefault(r, List.of()).stream()).limit(CAUSES_SHOWN)
                .collect(Collectors.joining("; "));
        if (!cause.isEmpty()) {
            f.evidence("unindexed_foreign_key", cause);
        }
        blocker.ifPresent(b -> f
                .evidence("root_state", b.state())
                .evidence("root_application", b.applicationName())
                .evidence("root_user", b.usename())
                .evidence("root_database", b.datname())
                .evidence("root_client", b.clientAddr())
                .evidence("root_transaction_seconds", b.xactSeconds() == null ? null : Words.round3(b.xactSeconds()))
                .evidence("root_state_seconds", b.stateSeconds() == null ? null : Words.round3(b.stateSeconds()))
                .evidence("root_locks_held", b.locksHeld())
                .evidence("root_wait_event", b.waitEventType() == null ? null : b.waitEventType() + ":" + b.waitEvent())
                .evidence("root_query", QueryText.shown(b.query(), 300)));
        String hint;
        if (prepared) {
            hint = "A transaction prepared for two-phase commit holds the lock until it is resolved: find it in "
                    + "pg_prepared_xacts and run COMMIT PREPARED or ROLLBACK PREPARED once its coordinator's outcome is known.";
        } else if (blocker.map(b -> b.state() != null && b.state().startsWith("idle in transaction")).orElse(false)) {
            hint = "pid " + root + " sits idle inside its transaction and keeps its locks until it commits or rolls back: "
                    + "find why " + blocker.get().applicationName() + " leaves it open (a remote call or a missing commit). "
                    + "To release the waiters now: select pg_terminate_backend(" + root + ");";
        } else {
            hint = "pid " + root + " still works inside the transaction that holds the lock: if it is stuck, "
                    + "select pg_cancel_backend(" + root + "); otherwise shorten that transaction or take locks in one order.";
        }
        return f.hint(hint).holdFor(ctx.setting(FOR));
    }

    private static String label(String application, String user) {
        String app = application == null || application.isEmpty() ? "no application_name" : application;
        return user == null ? app : app + " as " + user;
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    record LockTable(long sharedEntries, long allLocks, long maxLocksPerTransaction, long maxConnections,
                     long maxPreparedTransactions, long capacity) {
    }

    /**
     * Groups waiters under their root blockers by walking the wait-for graph. A session that blocks others
     * and waits on nobody is a root; a waiter reached from several roots is counted under each. Cycles (a
     * deadlock the server has not broken yet) have no root and are left to {@code postgres.deadlocks}.
     * Memoized per pid, so a queue of n waiters that each list everyone ahead of them costs O(n^2), not O(2^n).
     */
    static List<Chain> chains(List<Waiter> waiters) {
        Map<Integer, Waiter> byPid = waiters.stream().collect(Collectors.toMap(Waiter::pid, Function.identity(), (a, b) -> a));
        Map<Integer, Map<Integer, List<Integer>>> memo = new HashMap<>();
        Map<Integer, List<Waiter>> blockedByRoot = new LinkedHashMap<>();
        Map<Integer, List<Integer>> pathByRoot = new HashMap<>();
        for (Waiter w : waiters) {
            for (Map.Entry<Integer, List<Integer>> e : roots(w.pid(), byPid, memo, new HashSet<>()).entrySet()) {
                int root = e.getKey();
                List<Integer> path = e.getValue();
                blockedByRoot.computeIfAbsent(root, r -> new ArrayList<>()).add(w);
                pathByRoot.merge(root, path, (a, b) -> a.size() >= b.size() ? a : b);
            }
        }
        List<Chain> chains = new ArrayList<>();
        blockedByRoot.forEach((root, blocked) -> {
            List<Integer> path = pathByRoot.get(root);
            chains.add(new Chain(root, List.copyOf(blocked), path.size() - 1, path));
        });
        return chains;
    }

    /** The roots {@code pid} waits for, each with the longest path from {@code pid} to it (both ends included). */
    private static Map<Integer, List<Integer>> roots(int pid, Map<Integer, Waiter> byPid,
                                                     Map<Integer, Map<Integer, List<Integer>>> memo, Set<Integer> onPath) {
        Map<Integer, List<Integer>> known = memo.get(pid);
        if (known != null) {
            return known;
        }
        Waiter w = byPid.get(pid);
        if (w == null || w.blockers().isEmpty()) {
            // not waiting: pid is itself a root
            return Map.of(pid, List.of(pid));
        }
        if (!onPath.add(pid)) {
            return Map.of(); // a cycle
        }
        Map<Integer, List<Integer>> found = new LinkedHashMap<>();
        for (int next : w.blockers()) {
            roots(next, byPid, memo, onPath).forEach((root, path) -> {
                List<Integer> longer = new ArrayList<>(path.size() + 1);
                longer.add(pid);
                longer.addAll(path);
                found.merge(root, List.copyOf(longer), (a, b) -> a.size() >= b.size() ? a : b);
            });
        }
        onPath.remove(pid);
        memo.put(pid, found);
        return found;
    }
}
