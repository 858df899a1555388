package dev.telltale.postgres.internal.activity;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.ServerViews;
import dev.telltale.postgres.internal.SqlFile;
import dev.telltale.postgres.internal.Words;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code postgres.deadlocks}: deadlocks per database, from the {@code pg_stat_database.deadlocks} counter.
 * The first run takes a snapshot; later runs count the increase. A deadlock keeps its finding up for
 * {@code window}, so one deadlock is an alert that a person can see, not a blip between two runs. A
 * statistics reset (the counter going down or {@code stats_reset} changing) starts a new baseline
 * instead of counting as a drop.
 */
public final class DeadlocksDetector extends PostgresDetector implements DeadlocksDetectorSpec {
    private static final SqlFile<Row> SQL = SqlFile.load(DeadlocksDetector.class, "deadlocks", Row.class);
    private static final int MAX_DATABASES = 200;

    private record Snapshot(long deadlocks, Instant statsReset) {
    }

    private record Increase(Instant at, long deadlocks, Duration over) {
    }

    private final Map<String, Snapshot> previous = new HashMap<>();
    private final Map<String, Deque<Increase>> history = new HashMap<>();
    private Instant previousAt;

    public DeadlocksDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    private record Row(String database, long deadlocks, Instant statsReset) {
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        // pg_stat_database covers every database: in a fleet it is read once for all of them and each target keeps
        // its own database's row (so series and findings grow with the databases, not with their square)
        ServerViews.Shared<List<Row>> read = tx.shared("pg_stat_database deadlocks", this, ctx.settings().interval(),
                () -> tx.list(SQL, Map.of("limit", MAX_DATABASES)));
        Instant now = read.fresh() ? ctx.now() : read.readAt();
        List<Row> rows = read.value().stream().filter(r -> tx.owns(r.database())).toList();
        Duration window = ctx.setting(WINDOW);
        Duration sinceLast = previousAt == null ? Duration.ZERO : Duration.between(previousAt, now);
        Detection.Builder out = Detection.builder();
        Map<String, Snapshot> seen = new HashMap<>();
        for (Row row : rows) {
            Snapshot before = previous.get(row.database());
            Snapshot current = new Snapshot(row.deadlocks(), row.statsReset());
            seen.put(row.database(), current);
            Deque<Increase> recent = history.computeIfAbsent(row.database(), d -> new ArrayDeque<>());
            boolean reset = before != null && (current.deadlocks() < before.deadlocks()
                    || !Objects.equals(current.statsReset(), before.statsReset()));
            if (before != null && !reset && current.deadlocks() > before.deadlocks()) {
                recent.addLast(new Increase(now, current.deadlocks() - before.deadlocks(), sinceLast));
            }
            while (!recent.isEmpty() && recent.peekFirst().at().isBefore(now.minus(window))) {
                recent.removeFirst();
            }
            long inWindow = recent.stream().mapToLong(Increase::deadlocks).sum();
            double perMinute = perMinute(recent, now);
            out.signal(RECENT, inWindow, row.database());
            out.signal(PER_MINUTE, perMinute, row.database());
            if (inWindow >= ctx.setting(WARNING) && inWindow > 0) {
                Severity severity = perMinute > ctx.setting(CRITICAL_PER_MINUTE) ? Severity.CRITICAL : Severity.WARNING;
                Increase last = recent.peekLast();
                out.finding(ctx.finding(Problem.DATABASE_DEADLOCKS, severity, "deadlocks in database " + row.database())
                        .summary(Words.count(inWindow, "deadlock") + " in database " + row.database() + " within the last "
                                + Words.duration(window) + ": the server killed one transaction of each to break the cycle")
                        .evidence("database", row.database())
                        .evidence("deadlocks_in_window", inWindow)
                        .evidence("window_seconds", window.toSeconds())
                        .evidence("per_minute", Words.round3(perMinute))
                        .evidence("last_seen_at", last.at().toString())
                        .evidence("total_since_stats_reset", row.deadlocks())
                        .evidence("stats_reset", row.statsReset() == null ? null : row.statsReset().toString())
                        .hint("Two transactions locked the same rows in opposite orders. The server log has each one "
                                + "('deadlock detected', with both statements); lock rows in one order (for example "
                                + "select ... order by id for update) and retry transactions that fail with SQLSTATE 40P01."));
            }
        }
        previous.clear();
        previous.putAll(seen);
        history.keySet().retainAll(seen.keySet());
        previousAt = now;
        return out.build();
    }

    /** Deadlocks per minute over the last minute, or over the last interval when runs are further apart. */
    private static double perMinute(Deque<Increase> recent, Instant now) {
        if (recent.isEmpty()) {
            return 0;
        }
        Instant minuteAgo = now.minus(Duration.ofMinutes(1));
        long count = 0;
        Duration span = Duration.ofMinutes(1);
        for (Increase i : recent) {
            if (!i.at().isBefore(minuteAgo)) {
                count += i.deadlocks();
                if (i.over().compareTo(span) > 0) {
                    span = i.over();
                }
            }
        }
        return count / (span.toMillis() / 60_000.0);
    }
}
