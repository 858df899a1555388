package dev.telltale.postgres.internal.activity;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.SettingRule;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.QueryText;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;
import dev.telltale.postgres.internal.Words;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code postgres.query-bursts}: many sessions running the same statement at the same moment, the
 * signature of a thundering herd (a hot cache entry expired and every request goes to the database) or a
 * retry storm. Statements are grouped by {@code query_id} on 14+ when the server computes it, else by
 * their text with literals replaced; the grouping happens in the server, so only the bursts come back.
 */
public final class QueryBurstsDetector extends PostgresDetector {
    public static final String ID = "postgres.query-bursts";

    public static final Setting<Long> WARNING = Setting.count("warning", 10,
            "Sessions running the same statement at once that raise a warning.").atLeast(2L);
    public static final Setting<Long> CRITICAL = Setting.count("critical", 50,
            "Sessions running the same statement at once that are critical.");
    public static final Setting<Duration> FOR = Setting.duration("for", Duration.ZERO,
            "How long a burst must hold before the finding fires; herds are short, so the default is at once.");
    public static final Setting<Long> MAX_FINDINGS = Setting.count("max-findings", 5,
            "At most this many statements are reported, the largest bursts first.");

    public static final SignalSpec LARGEST = SignalSpec.of("postgres.query_bursts.largest", "sessions",
            "Sessions running the most common active statement (counted when at least 2).");
    public static final SignalSpec BURSTS = SignalSpec.of("postgres.query_bursts.statements", "statements",
            "Statements run by at least 'warning' sessions at once.");

    public static final DetectorSpec SPEC = DetectorSpec.builder(ID)
            .summary("Many sessions running the same statement at the same moment, the signature of a thundering "
                    + "herd or a retry storm.")
            .problems(Problem.THUNDERING_HERD)
            .interval(Duration.ofSeconds(10))
            .settings(WARNING, CRITICAL, FOR, MAX_FINDINGS)
            .rule(SettingRule.notAbove(WARNING, CRITICAL))
            .signals(LARGEST, BURSTS)
            .build();

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
        List<Burst> bursts = tx.list(SQL, Map.of("min_sessions", 2, "limit", 50));
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
