package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.SettingRule;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.QueryText;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.ServerProbe;
import dev.telltale.postgres.internal.SqlFile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code postgres.statements}: per-statement deltas of {@code pg_stat_statements} between runs. Reports slow
 * statements (PgHero's 20 ms mean over 100 calls), regressions against the statement's own baseline, the N+1
 * signature (calls per committed transaction jumped, about one row per call, low mean) and temp-file spills.
 * Counters are read without query text; text is fetched only for the statements reported. Statistics are
 * never reset: a reset (pg_stat_statements_info on 14+, or a counter going down) restarts the deltas.
 */
public final class StatementsDetector extends PostgresDetector {
    public static final String ID = "postgres.statements";

    public static final Setting<String> DATABASE = Setting.text("database", "current",
            "Database whose statements are watched: 'current' (the target's own database), 'all', or a database name.");
    public static final Setting<Duration> SLOW_MEAN = Setting.duration("slow.mean", Duration.ofMillis(20),
            "Mean time per call in the window at which a statement is slow (PgHero's default).");
    public static final Setting<Long> SLOW_CALLS = Setting.count("slow.calls", 100,
            "Calls in the window a statement needs before it can be called slow.");
    public static final Setting<Double> REGRESSION_FACTOR = Setting.number("regression.factor", 3.0,
            "Mean time above this multiple of the statement's own baseline is a regression (warning).")
            .above(0.0);
    public static final Setting<Double> REGRESSION_CRITICAL = Setting.number("regression.critical-factor", 10.0,
            "Mean time above this multiple of the baseline is a critical regression.")
            .above(0.0);
    public static final Setting<Long> REGRESSION_CALLS = Setting.count("regression.calls", 100,
            "Calls needed in the window, and in the baseline, before a regression is judged.");
    public static final Setting<Duration> REGRESSION_MIN_MEAN = Setting.duration("regression.min-mean", Duration.ofMillis(2),
            "A regressed mean below this is ignored (a 0.01 ms lookup becoming 0.05 ms hurts nobody).");
    public static final Setting<Double> NPLUS1_CALLS_PER_TX = Setting.number("n-plus-one.calls-per-transaction", 10.0,
            "Calls of one statement per committed transaction of its database at which it looks like an N+1 loop.")
            .above(0.0);
    public static final Setting<Double> NPLUS1_CRITICAL = Setting.number("n-plus-one.critical-calls-per-transaction", 50.0,
            "Calls per committed transaction at which the N+1 signature is critical.")
            .above(0.0);
    public static final Setting<Double> NPLUS1_JUMP = Setting.number("n-plus-one.jump", 3.0,
            "When the statement has a baseline, calls per transaction must exceed this multiple of it.")
            .above(0.0);
    public static final Setting<Double> NPLUS1_ROWS_PER_CALL = Setting.number("n-plus-one.rows-per-call", 1.5,
            "Most rows per call for the N+1 signature (single-row lookups).")
            .above(0.0);
    public static final Setting<Duration> NPLUS1_MAX_MEAN = Setting.duration("n-plus-one.max-mean", Duration.ofMillis(5),
            "Most mean time per call for the N+1 signature (cheap lookups, many of them).");
    public static final Setting<Long> NPLUS1_CALLS = Setting.count("n-plus-one.calls", 200,
            "Calls in the window a statement needs before its N+1 signature is judged.");
    public static final Setting<Long> TEMP_BYTES = Setting.bytes("temp-spill.bytes", 64L * 1024 * 1024,
            "Temp-file bytes written by one statement in the window at which it is reported.");
    public static final Setting<Long> TOP = Setting.count("top", 5, "How many statements the ranked gauges publish.");
    public static final Setting<Long> TEXT_LENGTH = Setting.count("text-length", 300,
            "Characters of query text kept in a finding's evidence.").atLeast(20L).atMost(10_000L);

    public static final SignalSpec WINDOW_CALLS = SignalSpec.of("postgres.statements.window.calls", "calls",
            "calls of all watched statements between the last two runs");
    public static final SignalSpec TRACKED = SignalSpec.of("postgres.statements.tracked", "statements",
            "statements (database and queryid) seen in pg_stat_statements for the watched database");
    public static final SignalSpec TOP_MEAN = SignalSpec.of("postgres.statements.top.mean", "seconds",
            "mean time per call in the window of the statements with the highest mean (enough calls), by rank", "rank");
    public static final SignalSpec TOP_CALLS_PER_TX = SignalSpec.of("postgres.statements.top.calls.per.transaction",
            "calls", "calls per committed transaction in the window of the most repeated statements, by rank", "rank");
    public static final SignalSpec FLAGGED = SignalSpec.of("postgres.statements.flagged", "statements",
            "statements reported in the last run, by kind (slow, regression, n_plus_one, temp_spill)", "kind");

    public static final DetectorSpec SPEC = DetectorSpec.builder(ID)
            .summary("Per-statement deltas of pg_stat_statements between runs: slow statements, regressions "
                    + "against their own baseline, the N+1 signature and temp-file spills.")
            .problems(Problem.SLOW_QUERIES, Problem.N_PLUS_ONE_QUERY)
            .interval(Duration.ofMinutes(1))
            .settings(DATABASE, SLOW_MEAN, SLOW_CALLS, REGRESSION_FACTOR, REGRESSION_CRITICAL, REGRESSION_CALLS,
                    REGRESSION_MIN_MEAN, NPLUS1_CALLS_PER_TX, NPLUS1_CRITICAL, NPLUS1_JUMP, NPLUS1_ROWS_PER_CALL,
                    NPLUS1_MAX_MEAN, NPLUS1_CALLS, TEMP_BYTES, TOP, TEXT_LENGTH)
            .rule(SettingRule.notAbove(REGRESSION_FACTOR, REGRESSION_CRITICAL))
            .rule(SettingRule.notAbove(NPLUS1_CALLS_PER_TX, NPLUS1_CRITICAL))
            .signals(WINDOW_CALLS, TRACKED, TOP_MEAN, TOP_CALLS_PER_TX, FLAGGED)
            .build();

    private static final SqlFile<Row> COUNTERS = SqlFile.load(StatementsDetector.class, "statements", Row.class);
    private static final SqlFile<Row> COUNTERS_LEGACY = SqlFile.load(StatementsDetector.class, "statements-legacy", Row.class);
    private static final SqlFile<Instant> INFO = SqlFile.load(StatementsDetector.class, "statements-info", Instant.class);
    private static final SqlFile<Long> COMMITS = SqlFile.load(StatementsDetector.class, "statements-commits", Long.class);
    private static final SqlFile<Text> TEXT = SqlFile.load(StatementsDetector.class, "statements-text", Text.class);

    /** One statement's cumulative counters. */
    private record Row(long dbid, long queryid, long calls, double totalMs, long rows, long tempBlksWritten) {
    }

    private record Text(long queryid, String query) {
    }

    /** pg_stat_statements.max tops out far below this; the cap bounds memory if a fork allows more. */
    private static final int ROW_CAP = 50_000;
    private static final double EWMA = 0.3;
    private static final long BLOCK = 8192;

    private Snapshot previous;
    private final Map<Key, Baseline> baselines = new HashMap<>();

    public StatementsDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    record Key(long dbid, long queryid) {
    }

    record Counters(long calls, double totalMs, long rows, long tempBlocks) {
    }

    private record Snapshot(long dbid, Instant at, Optional<Instant> statsReset, long commits, Map<Key, Counters> rows) {
    }

    /** What a statement usually costs, learned from windows in which it was not reported. */
    private static final class Baseline {
        double meanMs;
        long calls;
        double callsPerTx = -1;
    }

    /** One statement's window. */
    record Delta(Key key, long calls, double totalMs, long rows, long tempBytes, double callsPerTx) {
        double meanMs() {
            return calls == 0 ? 0 : totalMs / calls;
        }

        double rowsPerCall() {
            return calls == 0 ? 0 : (double) rows / calls;
        }
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        ServerProbe server = tx.server();
        Optional<String> extVersion = server.extensionVersion("pg_stat_statements");
        if (extVersion.isEmpty()) {
            return Detection.skipped("extension pg_stat_statements is not installed in database "
                    + server.database() + "; add it to shared_preload_libraries (postgresql.conf: "
                    + "shared_preload_libraries = 'pg_stat_statements', then restart) and run: "
                    + "create extension pg_stat_statements;");
        }
        long dbid = StatsSupport.watchedDatabase(ID, DATABASE, ctx, tx);
        boolean legacy = compareVersions(extVersion.get(), "1.8") < 0;
        boolean hasInfo = compareVersions(extVersion.get(), "1.9") >= 0;

        Map<Key, Counters> rows = new HashMap<>();
        List<Map.Entry<Key, Counters>> read;
        try {
            read = tx.withRowCap(ROW_CAP).list(legacy ? COUNTERS_LEGACY : COUNTERS, Map.of("dbid", dbid, "cap", ROW_CAP))
                    .stream().map(r -> Map.entry(new Key(r.dbid(), r.queryid()),
                            new Counters(r.calls(), r.totalMs(), r.rows(), r.tempBlksWritten())))
                    .toList();
        } catch (RuntimeException e) {
            if (isNotLoaded(e)) {
                return Detection.skipped("pg_stat_statements is installed but not loaded; set "
                        + "shared_preload_libraries = 'pg_stat_statements' in postgresql.conf and restart the server");
            }
            throw e;
        }
        read.forEach(e -> rows.put(e.getKey(), e.getValue()));
        Optional<Instant> statsReset = hasInfo ? tx.first(INFO, Map.of()) : Optional.empty();
        long commits = tx.one(COMMITS, Map.of("dbid", dbid));
        Snapshot now = new Snapshot(dbid, ctx.now(), statsReset, commits, rows);

        Detection.Builder out = Detection.builder();
        out.signal(TRACKED, rows.size());
        Snapshot before = previous;
        previous = now;
        if (before == null || before.dbid != dbid || !before.statsReset.equals(statsReset) || commits < before.commits) {
            // first look, another database, or a reset: this run is the new starting point
            baselines.keySet().retainAll(rows.keySet());
            return out.build();
        }

        long commitDelta = commits - before.commits;
        List<Delta> deltas = new ArrayList<>();
        long windowCalls = 0;
        for (Map.Entry<Key, Counters> e : rows.entrySet()) {
            Counters was = before.rows.get(e.getKey());
            Counters is = e.getValue();
            if (was == null || is.calls < was.calls) {
                // new since the last run, or evicted and re-added: its counters started again from zero
                was = new Counters(0, 0, 0, 0);
            }
            long calls = is.calls - was.calls;
            if (calls <= 0) {
                continue;
            }
            windowCalls += calls;
            deltas.add(new Delta(e.getKey(), calls, Math.max(0, is.totalMs - was.totalMs), Math.max(0, is.rows - was.rows),
                    Math.max(0, is.tempBlocks - was.tempBlocks) * BLOCK,
                    commitDelta > 0 ? (double) calls / commitDelta : 0));
        }
        out.signal(WINDOW_CALLS, windowCalls);
        publishTops(ctx, out, deltas);

        List<Verdict> verdicts = judge(ctx, deltas);
        learn(deltas, verdicts);
        baselines.keySet().retainAll(rows.keySet());

        Map<Long, String> texts = verdicts.isEmpty() ? Map.of() : texts(ctx, tx, verdicts);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String kind : List.of("slow", "regression", "n_plus_one", "temp_spill")) {
            counts.put(kind, 0);
        }
        for (Verdict v : verdicts) {
            String text = texts.getOrDefault(v.delta.key.queryid, "");
            if (text.startsWith("/* telltale")) {
                continue; // our own monitoring queries
            }
            counts.merge(v.kind, 1, Integer::sum);
            out.finding(v.finding(ctx, text, Duration.between(before.at, now.at), commitDelta));
        }
        counts.forEach((kind, n) -> out.signal(FLAGGED, n, kind));
        return out.build();
    }

    private static boolean isNotLoaded(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("must be loaded via")) {
                return true;
            }
        }
        return false;
    }

    private void publishTops(DetectionContext ctx, Detection.Builder out, List<Delta> deltas) {
        int top = (int) (long) ctx.setting(TOP);
        long minCalls = ctx.setting(SLOW_CALLS);
        List<Delta> byMean = deltas.stream().filter(d -> d.calls >= minCalls)
                .sorted(Comparator.comparingDouble(Delta::meanMs).reversed()).limit(top).toList();
        List<Delta> byRepeat = deltas.stream()
                .sorted(Comparator.comparingDouble(Delta::callsPerTx).reversed()).limit(top).toList();
        for (int i = 0; i < top; i++) {
            String rank = Integer.toString(i + 1);
            out.signal(TOP_MEAN, i < byMean.size() ? byMean.get(i).meanMs() / 1000.0 : 0, rank);
            out.signal(TOP_CALLS_PER_TX, i < byRepeat.size() ? byRepeat.get(i).callsPerTx : 0, rank);
        }
    }

    /** One reportable statement. */
    private record Verdict(String kind, Problem problem, Severity severity, Delta delta, Optional<Baseline> baseline,
                           String summary) {
        dev.telltale.core.Finding finding(DetectionContext ctx, String text, Duration window, long commits) {
            String subject = "queryid " + delta.key.queryid + switch (kind) {
                case "n_plus_one" -> " (repeated per transaction)";
                case "temp_spill" -> " (temp files)";
                default -> "";
            };
            var f = ctx.finding(problem, severity, subject).summary(summary)
                    .evidence("queryid", Long.toString(delta.key.queryid))
                    .evidence("dbid", delta.key.dbid)
                    .evidence("window_seconds", window.toMillis() / 1000.0)
                    .evidence("calls", delta.calls)
                    .evidence("mean_ms", round(delta.meanMs()))
                    .evidence("total_ms", round(delta.totalMs))
                    .evidence("rows_per_call", round(delta.rowsPerCall()))
                    .evidence("commits", commits)
                    .evidence("calls_per_transaction", round(delta.callsPerTx));
            baseline.ifPresent(b -> {
                f.evidence("baseline_mean_ms", round(b.meanMs));
                if (b.callsPerTx >= 0) {
                    f.evidence("baseline_calls_per_transaction", round(b.callsPerTx));
                }
            });
            if (delta.tempBytes > 0) {
                f.evidence("temp_bytes", delta.tempBytes);
            }
            if (!text.isEmpty()) {
                f.evidence("query", text);
            }
            return f.hint(switch (kind) {
                case "n_plus_one" -> "one call per row of an outer query: load the rows in one query (join, IN (...), "
                        + "batch fetch) in the code that runs this statement";
                case "regression" -> "compare EXPLAIN (ANALYZE, BUFFERS) now with the plan it used to have: a dropped "
                        + "or invalid index, stale statistics (ANALYZE) or a changed parameter distribution";
                case "temp_spill" -> "the statement sorts or hashes more than work_mem: add an index for the ORDER BY, "
                        + "reduce the rows, or raise work_mem for this role";
                default -> "EXPLAIN (ANALYZE, BUFFERS) the statement; look for sequential scans of large tables and "
                        + "missing indexes";
            }).build();
        }
    }

    private List<Verdict> judge(DetectionContext ctx, List<Delta> deltas) {
        double slowMean = ctx.setting(SLOW_MEAN).toNanos() / 1e6;
        long slowCalls = ctx.setting(SLOW_CALLS);
        double regFactor = ctx.setting(REGRESSION_FACTOR);
        double regCritical = ctx.setting(REGRESSION_CRITICAL);
        long regCalls = ctx.setting(REGRESSION_CALLS);
        double regMinMean = ctx.setting(REGRESSION_MIN_MEAN).toNanos() / 1e6;
        double n1Calls = ctx.setting(NPLUS1_CALLS_PER_TX);
        double n1Critical = ctx.setting(NPLUS1_CRITICAL);
        double n1Jump = ctx.setting(NPLUS1_JUMP);
        double n1Rows = ctx.setting(NPLUS1_ROWS_PER_CALL);
        double n1MaxMean = ctx.setting(NPLUS1_MAX_MEAN).toNanos() / 1e6;
        long n1MinCalls = ctx.setting(NPLUS1_CALLS);
        long tempBytes = ctx.setting(TEMP_BYTES);

        List<Verdict> out = new ArrayList<>();
        for (Delta d : deltas) {
            Optional<Baseline> b = Optional.ofNullable(baselines.get(d.key));
            double mean = d.meanMs();
            boolean regressed = b.isPresent() && b.get().calls >= regCalls && d.calls >= regCalls
                    && mean >= regMinMean && mean > regFactor * b.get().meanMs;
            if (regressed) {
                double factor = b.get().meanMs > 0 ? mean / b.get().meanMs : Double.POSITIVE_INFINITY;
                out.add(new Verdict("regression", Problem.SLOW_QUERIES,
                        factor >= regCritical ? Severity.CRITICAL : Severity.WARNING, d, b,
                        String.format("statement %d got %.1f x slower than its baseline: %.2f ms per call (was %.2f ms) over %d calls",
                                d.key.queryid, factor, mean, b.get().meanMs, d.calls)));
            } else if (d.calls >= slowCalls && mean >= slowMean) {
                out.add(new Verdict("slow", Problem.SLOW_QUERIES, Severity.WARNING, d, b,
                        String.format("statement %d averages %.1f ms per call over %d calls", d.key.queryid, mean, d.calls)));
            }
            boolean jumped = b.isEmpty() || b.get().callsPerTx < 0 || d.callsPerTx > n1Jump * b.get().callsPerTx;
            if (d.calls >= n1MinCalls && d.callsPerTx >= n1Calls && jumped && d.rowsPerCall() <= n1Rows
                    && mean <= n1MaxMean) {
                out.add(new Verdict("n_plus_one", Problem.N_PLUS_ONE_QUERY,
                        d.callsPerTx >= n1Critical ? Severity.CRITICAL : Severity.WARNING, d, b,
                        String.format("statement %d ran %.1f times per committed transaction (%d calls, %.2f rows and "
                                + "%.2f ms per call): the N+1 signature", d.key.queryid, d.callsPerTx, d.calls,
                                d.rowsPerCall(), mean)));
            }
            if (d.tempBytes >= tempBytes && tempBytes > 0) {
                out.add(new Verdict("temp_spill", Problem.SLOW_QUERIES, Severity.WARNING, d, b,
                        String.format("statement %d wrote %d MB of temp files in %d calls", d.key.queryid,
                                d.tempBytes / (1024 * 1024), d.calls)));
            }
        }
        return out;
    }

    /** Baselines learn only from windows in which the statement was not reported, so a lasting problem stays visible. */
    private void learn(List<Delta> deltas, List<Verdict> verdicts) {
        Set<Key> flagged = new java.util.HashSet<>();
        for (Verdict v : verdicts) {
            if (!v.kind.equals("temp_spill") && !v.kind.equals("slow")) {
                flagged.add(v.delta.key);
            }
        }
        for (Delta d : deltas) {
            if (flagged.contains(d.key)) {
                continue;
            }
            Baseline b = baselines.computeIfAbsent(d.key, k -> new Baseline());
            if (b.calls == 0) {
                b.meanMs = d.meanMs();
                b.callsPerTx = d.callsPerTx;
            } else {
                b.meanMs = EWMA * d.meanMs() + (1 - EWMA) * b.meanMs;
                b.callsPerTx = b.callsPerTx < 0 ? d.callsPerTx : EWMA * d.callsPerTx + (1 - EWMA) * b.callsPerTx;
            }
            b.calls += d.calls;
        }
    }

    private Map<Long, String> texts(DetectionContext ctx, ReadOnlyTx tx, List<Verdict> verdicts) {
        List<Long> ids = verdicts.stream().map(v -> v.delta.key.queryid).distinct().limit(50).toList();
        int len = (int) (long) ctx.setting(TEXT_LENGTH);
        Map<Long, String> out = new HashMap<>();
        tx.withRowCap(ids.size()).list(TEXT, Map.of("ids", ids.toArray(Long[]::new), "len", len))
                .forEach(t -> out.put(t.queryid(), QueryText.shown(Optional.ofNullable(t.query()).orElse(""))));
        return out;
    }

    /** Compares extension versions such as "1.10" and "1.8" numerically. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? parse(x[i]) : 0;
            int q = i < y.length ? parse(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.replaceAll("[^0-9].*$", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
