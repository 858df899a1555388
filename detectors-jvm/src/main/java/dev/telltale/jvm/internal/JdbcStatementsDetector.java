package dev.telltale.jvm.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code jdbc.statements}: slow statements, errors whose SQLSTATE means something (40P01 deadlock,
 * 40001 serialization failure, 23505 unique violation, 57014 cancelled by a timeout), and statement
 * shapes run without a query timeout (schema DDL aside: a schema tool's start-up statements are not
 * queries that can outlive a caller). Counts are over the last {@code window}.
 */
public final class JdbcStatementsDetector extends InProcessDetector implements JdbcStatementsDetectorSpec {
    private record Meaning(String state, Problem problem, Severity severity, String subject, String what, String hint) {
    }

    private static final List<Meaning> MEANINGS = List.of(
            new Meaning("40P01", Problem.DATABASE_DEADLOCKS, Severity.WARNING, "SQLSTATE 40P01 deadlock detected",
                    "transactions were killed by a deadlock",
                    "Take row locks in one order everywhere (sort the ids), keep transactions short, and retry 40P01."),
            new Meaning("40001", Problem.WRITE_SKEW, Severity.WARNING, "SQLSTATE 40001 serialization failure",
                    "transactions failed to serialize (concurrent writes to what they read)",
                    "Retry 40001 in the application; if the isolation level is below SERIALIZABLE, check invariants for write skew."),
            new Meaning("23505", Problem.DUPLICATE_ORDERS, Severity.INFO, "SQLSTATE 23505 unique violation",
                    "inserts were refused as duplicates",
                    "Duplicate submissions reach the database; check idempotency keys and retries of the callers."),
            new Meaning("57014", Problem.SLOW_QUERIES, Severity.WARNING, "SQLSTATE 57014 statement cancelled",
                    "statements were cancelled by a timeout",
                    "Look at the plans of the cancelled statements, or at lock waits holding them up."));

    private final StatementStats stats;
    private final WindowedCounter[] errorWindows = new WindowedCounter[StatementStats.STATES.size() + 1];
    private final WindowedCounter slowWindow = new WindowedCounter();
    private final Map<Long, WindowedCounter> slowShapeWindows = new HashMap<>();

    public JdbcStatementsDetector(String target, StatementStats stats) {
        super(SPEC, target);
        this.stats = stats;
        for (int i = 0; i < errorWindows.length; i++) {
            errorWindows[i] = new WindowedCounter();
        }
    }

    /** Hands the slow threshold to the JDBC listener, so that it applies from the first statement. */
    @Override
    public void configure(DetectorSettings settings) {
        stats.slowThreshold(settings.get(SLOW).toNanos());
    }

    @Override
    public synchronized Detection detect(DetectionContext ctx) {
        Duration window = ctx.setting(WINDOW);
        Instant now = ctx.now();
        Detection.Builder out = Detection.builder();
        long[] errors = stats.errorCounts();
        for (int i = 0; i < errors.length; i++) {
            errorWindows[i].seed(now.minus(window), 0);
            long inWindow = errorWindows[i].update(now, errors[i], window);
            String state = i < StatementStats.STATES.size() ? StatementStats.STATES.get(i) : "other";
            out.signal(ERRORS, inWindow, state);
            if (i < MEANINGS.size() && inWindow > 0) {
                Meaning m = MEANINGS.get(i);
                double perMinute = inWindow / Math.max(1.0, window.toSeconds() / 60.0);
                Severity severity = m.state().equals("40P01") && perMinute > ctx.setting(DEADLOCKS_CRITICAL)
                        ? Severity.CRITICAL : m.severity();
                var finding = ctx.finding(m.problem(), severity, m.subject())
                        .summary(inWindow + " " + m.what() + " in the last " + window.toMinutes() + " min")
                        .evidence("sqlstate", m.state())
                        .evidence("count", inWindow)
                        .evidence("per_minute", Math.round(perMinute * 100) / 100.0)
                        .hint(m.hint());
                stats.errorShapes().stream().filter(s -> s.detail().equals(m.state()))
                        .max((a, b) -> Long.compare(a.count(), b.count()))
                        .ifPresent(s -> finding.evidence("statement", s.fingerprint().text())
                                .evidence("call_site", s.fingerprint().callSite()));
                out.finding(finding);
            }
        }
        slowWindow.seed(now.minus(window), 0);
        out.signal(SLOW_STATEMENTS, slowWindow.update(now, stats.slowCount(), window));
        Map<Long, WindowedCounter> live = new HashMap<>();
        for (StatementStats.Shape s : stats.slowShapes()) {
            WindowedCounter w = slowShapeWindows.computeIfAbsent(s.fingerprint().id(), k -> WindowedCounter.startingAt(now.minus(window)));
            live.put(s.fingerprint().id(), w);
            long inWindow = w.update(now, s.count(), window);
            if (inWindow > 0) {
                out.finding(ctx.finding(Problem.SLOW_QUERIES, Severity.WARNING,
                                "slow statement: " + NPlusOneDetector.abbreviate(s.fingerprint().text(), 160))
                        .summary(inWindow + " executions slower than " + ctx.setting(SLOW).toMillis() + " ms in the last "
                                + window.toMinutes() + " min, the slowest " + NPlusOneDetector.millis(s.maxNanos()) + " ms")
                        .evidence("statement", s.fingerprint().text())
                        .evidence("slow_executions", inWindow)
                        .evidence("max_ms", NPlusOneDetector.millis(s.maxNanos()))
                        .evidence("call_site", s.fingerprint().callSite())
                        .hint("EXPLAIN (ANALYZE, BUFFERS) the statement; check missing indexes and lock waits."));
            }
        }
        slowShapeWindows.keySet().retainAll(live.keySet());
        List<Fingerprint> noTimeout = stats.shapesWithoutTimeout();
        out.signal(WITHOUT_TIMEOUT, noTimeout.size());
        if (!noTimeout.isEmpty()) {
            var finding = ctx.finding(Problem.TIMEOUT_DOMINO_EFFECT, Severity.INFO, "statements without a query timeout")
                    .summary(noTimeout.size() + " statement shapes run without a query timeout: they can outlive their caller")
                    .evidence("shapes", noTimeout.size())
                    .hint("Set a query timeout (Statement.setQueryTimeout, or statement_timeout for the application's role).");
            for (int i = 0; i < Math.min(3, noTimeout.size()); i++) {
                finding.evidence("example." + (i + 1), noTimeout.get(i).text() + " at " + noTimeout.get(i).callSite());
            }
            out.finding(finding);
        }
        return out.build();
    }
}
