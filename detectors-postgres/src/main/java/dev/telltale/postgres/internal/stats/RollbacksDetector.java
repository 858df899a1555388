package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.ReadOnlyTx;

/**
 * {@code postgres.rollbacks}: the share of the watched database's transactions that were rolled back between two
 * runs ({@code xact_rollback / (xact_commit + xact_rollback)} of pg_stat_database, as a delta: the lifetime ratio
 * hides today's behind months of history). A rolled-back transaction is work done and thrown away; when many are,
 * clients are usually retrying work that keeps failing (serialization failures, deadlocks, lock or statement
 * timeouts, constraint violations retried by an ORM or a job queue), which multiplies the load on a server already in
 * trouble: a retry storm.
 *
 * <p>Telltale's own transactions are left out twice over: the query runner ends its read-only transactions with
 * COMMIT, so only its failed ones are rollbacks at all, and the commits and rollbacks the target's connection ended
 * in the window are subtracted from the database's when the watched databases include the connection's
 * ({@link DatabaseCounters#own()}). Below {@code min-transactions} others' transactions the share is not judged.
 */
public final class RollbacksDetector extends DatabaseDeltaDetector implements RollbacksDetectorSpec {
    public RollbacksDetector(PostgresTarget target) {
        super(target, SPEC, DATABASE);
    }

    @Override
    protected Detection judgeWindow(DetectionContext ctx, ReadOnlyTx tx, DatabaseCounters before, DatabaseCounters now,
                                    String db) {
        long ownCommits = now.own().commits() - before.own().commits();
        long ownRollbacks = now.own().rollbacks() - before.own().rollbacks();
        // the server flushes a backend's counts up to seconds after its transaction ended: never below zero
        long commits = Math.max(0, now.xactCommit() - before.xactCommit() - ownCommits);
        long rollbacks = Math.max(0, now.xactRollback() - before.xactRollback() - ownRollbacks);
        long total = commits + rollbacks;
        double ratio = total == 0 ? 0 : (double) rollbacks / total;
        Detection.Builder out = Detection.builder().signal(RATIO, ratio).signal(ROLLBACKS, rollbacks)
                .signal(TRANSACTIONS, total);
        if (total >= ctx.setting(MIN_TRANSACTIONS) && ratio >= ctx.setting(WARNING)) {
            out.finding(ctx.finding(Problem.RETRY_STORM, ratio >= ctx.setting(CRITICAL) ? Severity.CRITICAL : Severity.WARNING,
                            "database " + db + " (rollbacks)")
                    .summary(String.format("%.1f %% of the transactions in %s since the last run were rolled back "
                            + "(%,d of %,d): work done and thrown away, usually retried", ratio * 100, db, rollbacks, total))
                    .evidence("rollback_ratio", StatementsDetector.round(ratio)).evidence("rollbacks", rollbacks)
                    .evidence("commits", commits)
                    .evidence("measured", String.format("pg_stat_database between two runs, less the %,d commits and "
                            + "%,d rollbacks of Telltale's own connection", ownCommits, ownRollbacks))
                    .hint("find the failing statements in the server log (log_min_error_statement = error is the "
                            + "default) or in the applications' errors: serialization failures and deadlocks call for "
                            + "retries with backoff and a cap, lock and statement timeouts for the blocker "
                            + "(postgres.lock-waits), constraint violations for the code that retries them"));
        }
        return out.build();
    }
}
