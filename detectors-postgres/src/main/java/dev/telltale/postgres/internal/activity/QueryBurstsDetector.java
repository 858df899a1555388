package dev.telltale.postgres.internal.activity;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.QueryText;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;
import dev.telltale.postgres.internal.Words;

import java.util.List;
import java.util.Map;

/**
 * {@code postgres.query-bursts}: many sessions running the same statement at the same moment, the
 * signature of a thundering herd (a hot cache entry expired and every request goes to the database) or a
 * retry storm. Statements are grouped by {@code query_id} on 14+ when the server computes it, else by
 * their text with literals replaced; the grouping happens in the server, so only the bursts come back.
 */
public final class QueryBurstsDetector extends PostgresDetector implements QueryBurstsDetectorSpec {
    private static final SqlFile<Burst> SQL = SqlFile.load(QueryBurstsDetector.class, "query-bursts", Burst.class);

    public QueryBurstsDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    record Burst(Long queryId, String fingerprint, String normalized, long sessions, long waitingOnLocks,
                 double oldestSeconds, String applications, String databases) {
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        long warning = ctx.setting(WARNING);
        long critical = ctx.setting(CRITICAL);
        tx.server().requireSeesAllSessions();
        List<Burst> bursts = tx.sharedList(SQL, Map.of("min_sessions", 2, "limit", 50), this, ctx.settings().interval());
        Detection.Builder out = Detection.builder()
                .signal(LARGEST, bursts.isEmpty() ? 0 : bursts.get(0).sessions())
                .signal(BURSTS, bursts.stream().filter(b -> b.sessions() >= warning).count());
        long max = ctx.setting(MAX_FINDINGS);
        long over = bursts.stream().filter(b -> b.sessions() >= warning).count();
        Notes.truncated(out, ID, MAX_FINDINGS, max, Math.min(over, max), over - max, "bursts");
        bursts.stream().filter(b -> b.sessions() >= warning).limit(max).forEach(b -> {
            Severity severity = b.sessions() >= critical ? Severity.CRITICAL : Severity.WARNING;
            String sql = QueryText.shown(b.normalized(), 300);
            out.finding(ctx.finding(Problem.THUNDERING_HERD, severity, "burst of " + b.fingerprint())
                    .summary(b.sessions() + " sessions run the same statement at once (" + QueryText.shown(b.normalized(), 80)
                            + "); the oldest started " + Words.seconds(b.oldestSeconds()) + " ago"
                            + (b.waitingOnLocks() > 0 ? ", " + b.waitingOnLocks() + " of them wait on locks" : ""))
                    .evidence("sessions", b.sessions())
                    .evidence("waiting_on_locks", b.waitingOnLocks())
                    .evidence("oldest_seconds", Words.round3(b.oldestSeconds()))
                    .evidence("query_id", b.queryId())
                    .evidence("statement", sql)
                    .evidence("applications", b.applications())
                    .evidence("databases", b.databases())
                    .hint("Many callers asked for the same thing at once: a cache entry expired or was evicted, or clients "
                            + "retry together. Let one caller reload the entry while the others wait or serve the stale "
                            + "value (single flight), add jitter to expiry times and to retries.")
                    .holdFor(ctx.setting(FOR)));
        });
        return out.build();
    }
}
