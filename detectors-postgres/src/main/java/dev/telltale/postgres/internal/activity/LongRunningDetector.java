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

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code postgres.long-running}: work that has gone on too long, in four shapes: an active query past its
 * threshold (or past the callers' timeout, when known: the caller gave up, the server did not); a session
 * idle inside a transaction, measured from when it went idle ({@code state_change}, not {@code xact_start});
 * a long transaction whose snapshot holds back vacuum's xmin horizon; and prepared transactions nobody
 * resolved. Autovacuum, walsenders, background workers and telltale itself are never reported, nor are
 * sessions waiting on a heavyweight lock: they are the victims of a chain that {@code postgres.lock-waits}
 * reports once, at its root (they still count in the gauges).
 */
public final class LongRunningDetector extends PostgresDetector implements LongRunningDetectorSpec {
    private static final SqlFile<Session> SESSIONS_SQL = SqlFile.load(LongRunningDetector.class, "long-running", Session.class);
    private static final SqlFile<Summary> SUMMARY_SQL = SqlFile.load(LongRunningDetector.class, "long-running-summary",
            Summary.class);
    private static final SqlFile<Prepared> PREPARED_SQL = SqlFile.load(LongRunningDetector.class, "prepared-transactions",
            Prepared.class);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'");

    public LongRunningDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    record Session(int pid, String usename, String applicationName, String datname, String state, String waitEventType,
                   String waitEvent, String query, String clientAddr, OffsetDateTime queryStart, OffsetDateTime xactStart,
                   OffsetDateTime stateChange, double querySeconds, double xactSeconds, boolean xactSinceFailure,
                   double stateSeconds, Long xminAge, long locksHeld) {
        /** Waiting on a heavyweight lock: part of a lock chain, reported by postgres.lock-waits. */
        boolean waitingOnLock() {
            return "Lock".equals(waitEventType);
        }

        boolean active() {
            return "active".equals(state);
        }

        boolean idleInTransaction() {
            return state != null && state.startsWith("idle in transaction");
        }

        String who() {
            String app = applicationName == null || applicationName.isEmpty() ? "no application_name" : applicationName;
            return "pid " + pid + " (" + app + (usename == null ? "" : " as " + usename) + ")";
        }
    }

    record Summary(double longestQuery, double longestIdle, double longestTransaction, long oldestXminAge) {
    }

    record Prepared(String gid, String owner, String database, OffsetDateTime prepared, double ageSeconds, Long xidAge) {
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        Duration activeWarning = ctx.setting(ACTIVE_WARNING);
        Duration idleWarning = ctx.setting(IDLE_WARNING);
        Duration xactWarning = ctx.setting(TRANSACTION_WARNING);
        Duration preparedWarning = ctx.setting(PREPARED_WARNING);
        Duration callerTimeout = ctx.setting(CALLER_TIMEOUT);
        Duration activeFloor = callerTimeout.isZero() || callerTimeout.compareTo(activeWarning) > 0 ? activeWarning : callerTimeout;
        tx.server().requireSeesAllSessions();

        List<Session> sessions = tx.sharedList(SESSIONS_SQL, Map.of(
                "active_seconds", secs(activeFloor), "idle_seconds", secs(idleWarning), "xact_seconds", secs(xactWarning),
                "limit", Math.min(tx.maxRows(), 500)), this, ctx.settings().interval())
                .stream().filter(s -> tx.owns(s.datname())).toList();
        List<Prepared> prepared = tx.sharedList(PREPARED_SQL, Map.of("limit", 100), this, ctx.settings().interval())
                .stream().filter(p -> tx.owns(p.database())).toList();

        Detection.Builder out = Detection.builder();
        long max = ctx.setting(MAX_FINDINGS);
        int activeCount = 0;
        int idleCount = 0;
        int xactCount = 0;
        int activeOverThreshold = 0;
        int xactOverThreshold = 0;
        for (Session s : sessions) {
            if (s.waitingOnLock()) {
                // one blocker is one finding (postgres.lock-waits lists these pids as its victims); counted below
                if (s.active() && s.querySeconds() >= secs(activeFloor)) {
                    activeOverThreshold++;
                } else if (s.xactStart() != null && s.xactSeconds() >= secs(xactWarning)) {
                    xactOverThreshold++;
                }
            } else if (s.active() && s.querySeconds() >= secs(activeFloor)) {
                if (activeCount++ < max) {
                    activeFinding(ctx, s, callerTimeout).ifPresent(out::finding);
                }
            } else if (s.idleInTransaction() && s.stateSeconds() >= secs(idleWarning)) {
                if (idleCount++ < max) {
                    out.finding(idleFinding(ctx, s));
                }
            } else if (s.xactStart() != null && s.xactSeconds() >= secs(xactWarning)) {
                // reported only when neither of the above: an idle or long query finding already carries the transaction age
                if (xactCount++ < max) {
                    out.finding(transactionFinding(ctx, s));
                }
            }
        }
        int preparedCount = 0;
        for (Prepared p : prepared) {
            if (p.ageSeconds() >= secs(preparedWarning) && preparedCount++ < max) {
                out.finding(preparedFinding(ctx, p));
            }
        }

        long cut = Math.max(0, activeCount - max) + Math.max(0, idleCount - max) + Math.max(0, xactCount - max)
                + Math.max(0, preparedCount - max);
        long shown = Math.min(activeCount, max) + Math.min(idleCount, max) + Math.min(xactCount, max)
                + Math.min(preparedCount, max);
        Notes.truncated(out, ID, MAX_FINDINGS, max, shown, cut,
                "long-running sessions and transactions");

        Summary summary = tx.sharedOne(SUMMARY_SQL, Map.of(), this, ctx.settings().interval());
        out.signal(LONGEST_QUERY, summary.longestQuery());
        out.signal(LONGEST_IDLE, summary.longestIdle());
        out.signal(LONGEST_TRANSACTION, summary.longestTransaction());
        long xmin = Math.max(summary.oldestXminAge(),
                prepared.stream().map(Prepared::xidAge).filter(a -> a != null).mapToLong(Long::longValue).max().orElse(0));
        out.signal(OLDEST_XMIN_AGE, xmin);
        out.signal(OLDEST_PREPARED, prepared.stream().mapToDouble(Prepared::ageSeconds).max().orElse(0));
        out.signal(PREPARED, prepared.size());
        out.signal(OVER_THRESHOLD, activeCount + activeOverThreshold, "active");
        out.signal(OVER_THRESHOLD, idleCount, "idle_in_transaction");
        out.signal(OVER_THRESHOLD, xactCount + xactOverThreshold, "transaction");
        out.signal(OVER_THRESHOLD, (double) prepared.stream().filter(p -> p.ageSeconds() >= secs(preparedWarning)).count(), "prepared");
        return out.build();
    }

    private Optional<Finding> activeFinding(DetectionContext ctx, Session s, Duration callerTimeout) {
        double age = s.querySeconds();
        boolean pastCaller = !callerTimeout.isZero() && age >= secs(callerTimeout);
        Severity severity = age >= secs(ctx.setting(ACTIVE_CRITICAL)) ? Severity.CRITICAL
                : age >= secs(ctx.setting(ACTIVE_WARNING)) || pastCaller ? Severity.WARNING : null;
        if (severity == null) {
            return Optional.empty();
        }
        Problem problem = pastCaller ? Problem.TIMEOUT_DOMINO_EFFECT : Problem.SLOW_QUERIES;
        String waiting = s.waitEventType() == null ? "" : ", waiting on " + s.waitEventType() + ":" + s.waitEvent();
        Finding.Builder f = ctx.finding(problem, severity, "query of pid " + s.pid() + " started " + at(s.queryStart()))
                .summary(s.who() + " has run one query for " + Words.seconds(age) + waiting
                        + (pastCaller ? ", past the callers' timeout of " + Words.duration(callerTimeout)
                        + ": nobody waits for its answer any more" : ""))
                .hint(pastCaller
                        ? "Set statement_timeout for the application's role below its callers' timeout so the server stops work "
                        + "nobody waits for; to stop this one: select pg_cancel_backend(" + s.pid() + ");"
                        : "EXPLAIN the query for a missing index or a bad plan; cap it with statement_timeout on the role; "
                        + "to stop this one: select pg_cancel_backend(" + s.pid() + ");");
        return Optional.of(common(f, s, ctx.setting(FOR)).build());
    }

    private Finding idleFinding(DetectionContext ctx, Session s) {
        double idle = s.stateSeconds();
        Severity severity = idle >= secs(ctx.setting(IDLE_CRITICAL)) ? Severity.CRITICAL : Severity.WARNING;
        return common(ctx.finding(Problem.CONNECTION_POOL_STARVATION, severity,
                        "pid " + s.pid() + " idle in transaction since " + at(s.stateChange()))
                .summary(s.who() + " has sat idle inside an open transaction for " + Words.seconds(idle)
                        + (s.xactSinceFailure()
                        // an aborted transaction has no xact_start any more: its failed statement began inside it
                        ? " (transaction aborted by an error, open at least " + Words.seconds(s.xactSeconds())
                        + ": it waits for a ROLLBACK)"
                        : " (transaction open " + Words.seconds(s.xactSeconds()) + ")") + ", holding "
                        + Words.count(s.locksHeld(), "lock") + ", its snapshot and a connection")
                .hint("The application began a transaction and stopped talking to the database before committing (a remote "
                        + "call or user wait inside it, or a missing commit). Set idle_in_transaction_session_timeout for its "
                        + "role; to end this one: select pg_terminate_backend(" + s.pid() + ");"), s, ctx.setting(FOR)).build();
    }

    private Finding transactionFinding(DetectionContext ctx, Session s) {
        double age = s.xactSeconds();
        Severity severity = age >= secs(ctx.setting(TRANSACTION_CRITICAL)) ? Severity.CRITICAL : Severity.WARNING;
        return common(ctx.finding(Problem.STORAGE_BLOAT, severity, "transaction of pid " + s.pid() + " started " + at(s.xactStart()))
                .summary(s.who() + " has kept one transaction open for " + Words.seconds(age)
                        + (s.xminAge() == null ? "" : "; its snapshot holds vacuum's horizon " + s.xminAge() + " transactions back"))
                .hint("Dead rows newer than this transaction cannot be vacuumed until it ends; split the work into shorter "
                        + "transactions (batch jobs commit every N rows)."), s, ctx.setting(FOR)).build();
    }

    private Finding preparedFinding(DetectionContext ctx, Prepared p) {
        Severity severity = p.ageSeconds() >= secs(ctx.setting(PREPARED_CRITICAL)) ? Severity.CRITICAL : Severity.WARNING;
        String gid = p.gid().replace("'", "''");
        return ctx.finding(Problem.DISTRIBUTED_TRANSACTION, severity, "prepared transaction " + p.gid())
                .summary("Transaction '" + p.gid() + "' was prepared for two-phase commit " + Words.seconds(p.ageSeconds())
                        + " ago and is still neither committed nor rolled back; it keeps its locks, across restarts")
                .evidence("gid", p.gid())
                .evidence("owner", p.owner())
                .evidence("database", p.database())
                .evidence("prepared_at", p.prepared() == null ? null : at(p.prepared()))
                .evidence("age_seconds", Words.round3(p.ageSeconds()))
                .evidence("xid_age", p.xidAge())
                .hint("Its coordinator (transaction manager, saga) stopped half way. Once you know the outcome, run "
                        + "COMMIT PREPARED '" + gid + "'; or ROLLBACK PREPARED '" + gid + "'; in database " + p.database() + ".")
                .holdFor(ctx.setting(FOR))
                .build();
    }

    private static Finding.Builder common(Finding.Builder f, Session s, Duration holdFor) {
        return f.evidence("pid", s.pid())
                .evidence("state", s.state())
                .evidence("application", s.applicationName())
                .evidence("user", s.usename())
                .evidence("database", s.datname())
                .evidence("client", s.clientAddr())
                .evidence("query_seconds", Words.round3(s.querySeconds()))
                .evidence("transaction_seconds", Words.round3(s.xactSeconds()))
                .evidence("transaction_seconds_measured", s.xactSinceFailure()
                        ? "from the failed statement's start (a lower bound: the server clears xact_start on abort)"
                        : "from xact_start")
                .evidence("state_seconds", Words.round3(s.stateSeconds()))
                .evidence("xmin_age", s.xminAge())
                .evidence("locks_held", s.locksHeld())
                .evidence("wait_event", s.waitEventType() == null ? null : s.waitEventType() + ":" + s.waitEvent())
                .evidence("query", QueryText.shown(s.query(), 300))
                .holdFor(holdFor);
    }

    private static double secs(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static String at(OffsetDateTime t) {
        return t == null ? "?" : t.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(CLOCK);
    }
}
