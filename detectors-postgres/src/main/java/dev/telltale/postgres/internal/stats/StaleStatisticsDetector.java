package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.ServerProbe;
import dev.telltale.postgres.internal.SqlFile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code postgres.stale-statistics}: tables whose rows modified since their last analyze passed their own
 * autoanalyze trigger and stayed unanalyzed beyond a grace period, so that the planner estimates their rows and
 * values from statistics that no longer describe them (wrong join orders, nested loops over many rows, hash
 * tables that spill). Reported as {@link Problem#SLOW_QUERIES}.
 *
 * <p>A detector of its own rather than a part of {@code postgres.table-health}: that one reports disk eaten by
 * dead tuples and bloat ({@link Problem#STORAGE_BLOAT}) from a query ranked by dead tuples and estimated waste and
 * capped by its own limit; stale statistics are another problem with another fix (an {@code ANALYZE}, not a
 * {@code VACUUM}), another counter and another ranking, so folding them in would cut one list by the other's cap.
 *
 * <p>A table autovacuum analyzes is reported only when it was past its trigger at the previous sample too, at
 * least {@code autovacuum_naptime} earlier and with no analyze in between (autovacuum had its chance and did not
 * take it); one with autovacuum off for it is reported from one sample. With autovacuum off on the whole server,
 * the stale tables it alone keeps from being analyzed have that one cause, and one finding names them; a table
 * whose own reloption turns autovacuum off keeps its finding.
 */
public final class StaleStatisticsDetector extends PostgresDetector implements StaleStatisticsDetectorSpec {
    private static final SqlFile<Row> TABLES = SqlFile.load(StaleStatisticsDetector.class, "stale-statistics", Row.class);
    private static final SqlFile<Settings> SETTINGS = SqlFile.load(StaleStatisticsDetector.class,
            "stale-statistics-settings", Settings.class);

    /** How many tables the server-wide finding names. */
    private static final int NAMED = 10;

    private record Settings(boolean trackCounts, boolean autovacuum, double naptimeSeconds) {
    }

    private record Row(long oid, String schema, String table, String kind, long modified, double estimatedRows,
                       double trigger, boolean autovacuumEnabled, Optional<Double> lastAnalyze,
                       Optional<Double> lastAutoanalyze, double now, long candidates) {
        String name() {
            return schema + "." + table;
        }

        /** The latest analyze, by hand or by autovacuum, in epoch seconds. */
        Optional<Double> analyzed() {
            if (lastAnalyze.isEmpty()) {
                return lastAutoanalyze;
            }
            return lastAutoanalyze.map(a -> Math.max(a, lastAnalyze.get())).or(() -> lastAnalyze);
        }

        Optional<Double> analyzeAge() {
            return analyzed().map(a -> now - a);
        }
    }

    /** A table seen past its trigger: when, and its latest analyze then. */
    private record Seen(Instant at, Optional<Double> analyzed) {
    }

    private Map<Long, Seen> pastTrigger = Map.of();

    public StaleStatisticsDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        Settings server = tx.one(SETTINGS, Map.of());
        if (!server.trackCounts()) {
            return Detection.skipped("track_counts is off: the server counts no modifications, so neither autovacuum "
                    + "nor this detector can tell when statistics go stale; set track_counts = on");
        }
        long limit = ctx.setting(LIMIT);
        tx.statisticsSnapshot();
        List<Row> rows = tx.list(TABLES, Map.of("min_modified", ctx.setting(MODIFIED_MIN), "limit", limit));
        Instant now = ctx.now();
        Map<Long, Seen> before = pastTrigger;
        Map<Long, Seen> seen = new HashMap<>();
        for (Row r : rows) {
            Seen earlier = before.get(r.oid());
            // the first sight past the trigger is kept until an analyze resets the counter
            seen.put(r.oid(), earlier != null && earlier.analyzed().equals(r.analyzed()) ? earlier : new Seen(now, r.analyzed()));
        }
        pastTrigger = seen;
        if (ctx.baselinePass()) {
            return Detection.nothing();
        }

        Duration grace = ctx.setting(GRACE);
        Duration naptime = Duration.ofMillis(Math.round(server.naptimeSeconds() * 1000));
        Detection.Builder out = Detection.builder();
        List<Row> stale = new ArrayList<>();
        for (Row r : rows) {
            boolean autovacuum = server.autovacuum() && r.autovacuumEnabled();
            boolean overGrace = r.analyzeAge().map(age -> age >= grace.toSeconds()).orElse(true);
            Seen first = before.get(r.oid());
            boolean autovacuumHadItsChance = first != null && first.analyzed().equals(r.analyzed())
                    && Duration.between(first.at(), now).compareTo(naptime) >= 0;
            if (overGrace && (!autovacuum || autovacuumHadItsChance)) {
                stale.add(r);
            }
        }
        // the tables only the server's autovacuum = off keeps from being analyzed share that cause; a table whose own
        // reloption turns autovacuum off keeps it after the server's is fixed, so it has its own finding
        List<Row> serverOnly = stale.stream().filter(r -> !server.autovacuum() && r.autovacuumEnabled()).toList();
        if (!serverOnly.isEmpty()) {
            out.finding(serverWide(ctx, serverOnly));
        }
        stale.stream().filter(r -> !serverOnly.contains(r)).forEach(r -> out.finding(table(ctx, r, seen.get(r.oid()), now)));
        long candidates = rows.isEmpty() ? 0 : rows.get(0).candidates();
        Notes.truncated(out, ID, LIMIT, limit, rows.size(), candidates - rows.size(), "tables past their autoanalyze trigger");
        out.signal(OVERDUE, candidates);
        out.signal(STALE, stale.size());
        return out.build();
    }

    private static Finding.Builder table(DetectionContext ctx, Row r, Seen first, Instant now) {
        String name = r.name();
        String quoted = ServerProbe.quoteIdent(r.schema()) + "." + ServerProbe.quoteIdent(r.table());
        boolean autovacuum = r.autovacuumEnabled();
        return evidence(ctx.finding(Problem.SLOW_QUERIES, Severity.WARNING, name), r)
                .summary(String.format("%s %s has had %s, past its autoanalyze trigger of %,.0f: the planner estimates "
                                + "its rows from old statistics%s", r.kind().equals("m") ? "materialized view" : "table",
                        name, modifiedWords(r), r.trigger(),
                        autovacuum ? "; autovacuum has not analyzed it" : "; autovacuum is off for it"))
                .evidence("past_trigger_seconds", first == null ? null : Duration.between(first.at(), now).toSeconds())
                .hint("analyze " + quoted + " (it reads a sample of the table and takes a SHARE UPDATE EXCLUSIVE lock, "
                        + "which blocks no reads or writes)" + (autovacuum
                        ? "; if autovacuum keeps falling behind on it, look for autovacuum workers busy on large tables "
                        + "and lower its trigger: alter table " + quoted + " set (autovacuum_analyze_scale_factor = 0.02)"
                        : "; then let autovacuum look after it again: alter table " + quoted + " reset (autovacuum_enabled)"));
    }

    /** Autovacuum is off on the server: one cause, one finding, naming the stalest tables. */
    private static Finding.Builder serverWide(DetectionContext ctx, List<Row> stale) {
        List<String> names = stale.stream().limit(NAMED).map(r -> r.name() + " (" + modifiedWords(r) + ")").toList();
        String more = stale.size() > NAMED ? String.format(" and %,d more", stale.size() - NAMED) : "";
        return ctx.finding(Problem.SLOW_QUERIES, Severity.WARNING, "autovacuum off")
                .summary(String.format("autovacuum is off on the server and %s past %s autoanalyze trigger with old "
                        + "statistics; the most modified: %s", stale.size() == 1 ? "1 table is" : String.format("%,d tables are",
                        stale.size()), stale.size() == 1 ? "its" : "their", stale.get(0).name()))
                .evidence("tables", stale.size())
                .evidence("stale_tables", String.join(", ", names) + more)
                .evidence("autovacuum", false)
                .hint("analyze the tables listed (each takes a SHARE UPDATE EXCLUSIVE lock, which blocks no reads or "
                        + "writes); autovacuum = off also stops the vacuums that prevent wraparound: turn it back on in "
                        + "postgresql.conf and reload");
    }

    private static Finding.Builder evidence(Finding.Builder f, Row r) {
        return f.evidence("modified_since_analyze", r.modified())
                .evidence("estimated_rows", Math.round(r.estimatedRows()))
                .evidence("analyze_trigger", Math.round(r.trigger()))
                .evidence("autovacuum_enabled", r.autovacuumEnabled())
                .evidence("last_analyze", r.lastAnalyze().map(a -> StatsSupport.ago(r.now() - a)).orElse("never"))
                .evidence("last_autoanalyze", r.lastAutoanalyze().map(a -> StatsSupport.ago(r.now() - a)).orElse("never"));
    }

    /** "12,000 rows modified since its last analyze 3 h 5 min ago", or "... and no analyze on record". */
    private static String modifiedWords(Row r) {
        return String.format("%,d rows modified", r.modified()) + r.analyzeAge()
                .map(age -> " since its last analyze " + StatsSupport.ago(age)).orElse(" and no analyze on record");
    }
}
