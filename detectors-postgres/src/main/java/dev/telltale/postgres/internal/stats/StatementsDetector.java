package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectionSkippedException;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.QueryText;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.ServerProbe;
import dev.telltale.postgres.internal.ServerViews;
import dev.telltale.postgres.internal.SqlFile;
import dev.telltale.postgres.internal.Words;

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
 * fan-out signature ({@link FanOut}: a lookup whose calls track the rows another statement returned) and
 * temp-file spills. Counters are read without query text; text is fetched only for the statements reported and
 * for the few pairs whose counters show a fan-out (their shape is judged on it, {@link StatementShape}), and is
 * remembered per statement. Statistics are never reset: a reset (pg_stat_statements_info on 14+, or a counter
 * going down) restarts the deltas.
 */
public final class StatementsDetector extends PostgresDetector implements StatementsDetectorSpec {
    private static final SqlFile<Row> COUNTERS = SqlFile.load(StatementsDetector.class, "statements", Row.class);
    private static final SqlFile<Row> COUNTERS_LEGACY = SqlFile.load(StatementsDetector.class, "statements-legacy", Row.class);
    private static final SqlFile<Instant> INFO = SqlFile.load(StatementsDetector.class, "statements-info", Instant.class);
    private static final SqlFile<Text> TEXT = SqlFile.load(StatementsDetector.class, "statements-text", Text.class);

    /** One statement's cumulative counters. */
    private record Row(long dbid, long queryid, long calls, double totalMs, long rows, long tempBlksWritten) {
    }

    private record Text(long queryid, String query) {
    }

    /** One read of the counters, maybe of every database of the server, with the reset time of the whole view. */
    private record Sample(List<Row> rows, Optional<Instant> statsReset) {
    }

    /** pg_stat_statements.max tops out far below this; the cap bounds memory if a fork allows more. */
    private static final int ROW_CAP = 50_000;
    private static final double EWMA = 0.3;
    private static final long BLOCK = 8192;

    private Snapshot previous;
    private final Map<Key, Baseline> baselines = new HashMap<>();
    /** Statement text (as read, cut at {@link #SHAPE_LENGTH}) by queryid, for the statements looked at so far. */
    private final Map<Long, String> texts = new HashMap<>();

    /** Text read to judge a statement's shape: past the column list of an ORM's SELECT, to its WHERE. */
    private static final int SHAPE_LENGTH = 2000;
    /** Statements whose text one run reads at most. */
    private static final int TEXTS_PER_RUN = 50;

    public StatementsDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    record Key(long dbid, long queryid) {
    }

    record Counters(long calls, double totalMs, long rows, long tempBlocks) {
    }

    private record Snapshot(long dbid, Instant at, Optional<Instant> statsReset, Map<Key, Counters> rows) {
    }

    /** What a statement usually costs, learned from windows in which it was not reported. */
    private static final class Baseline {
        double meanMs;
        long calls;
    }

    /** One statement's window. */
    record Delta(Key key, long calls, double totalMs, long rows, long tempBytes) {
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

        // in a fleet the whole server's counters are read once per interval for every database of it, and each
        // target keeps its own database's rows
        long readDb = tx.sharesServerViews() ? 0 : dbid;
        ServerViews.Shared<Sample> sample;
        try {
            sample = tx.shared("pg_stat_statements" + (legacy ? " legacy" : "") + (hasInfo ? " info" : "") + " db " + readDb,
                    this, ctx.settings().interval(), () -> new Sample(tx.withRowCap(ROW_CAP)
                            .list(legacy ? COUNTERS_LEGACY : COUNTERS, Map.of("dbid", readDb, "cap", ROW_CAP)),
                            hasInfo ? tx.first(INFO, Map.of()) : Optional.empty()));
        } catch (RuntimeException e) {
            if (isNotLoaded(e)) {
                return Detection.skipped("pg_stat_statements is installed but not loaded; set "
                        + "shared_preload_libraries = 'pg_stat_statements' in postgresql.conf and restart the server");
            }
            throw e;
        }
        Map<Key, Counters> rows = new HashMap<>();
        for (Row r : sample.value().rows()) {
            if (dbid == 0 || r.dbid() == dbid) {
                rows.put(new Key(r.dbid(), r.queryid()), new Counters(r.calls(), r.totalMs(), r.rows(), r.tempBlksWritten()));
            }
        }
        Optional<Instant> statsReset = sample.value().statsReset();
        // a result another target read is timed by when it was read, so the window is the one the counters cover
        Snapshot now = new Snapshot(dbid, sample.fresh() ? ctx.now() : sample.readAt(), statsReset, rows);

        Detection.Builder out = Detection.builder();
        out.signal(TRACKED, rows.size());
        Snapshot before = previous;
        previous = now;
        Set<Long> present = new java.util.HashSet<>();
        rows.keySet().forEach(k -> present.add(k.queryid()));
        texts.keySet().retainAll(present);
        if (before == null || before.dbid != dbid || !before.statsReset.equals(statsReset)) {
            // first look, another database, or a reset: this run is the new starting point
            baselines.keySet().retainAll(rows.keySet());
            return out.build();
        }

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
                    Math.max(0, is.tempBlocks - was.tempBlocks) * BLOCK));
        }
        out.signal(WINDOW_CALLS, windowCalls);
        publishTops(ctx, out, deltas);

        List<FanOut.Pair> loops = loops(ctx, tx, deltas);
        List<Verdict> verdicts = judge(ctx, deltas);
        learn(deltas, verdicts, loops);
        baselines.keySet().retainAll(rows.keySet());

        read(ctx, tx, verdicts.stream().map(v -> v.delta.key.queryid).toList());
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String kind : List.of("slow", "regression", "n_plus_one", "temp_spill")) {
            counts.put(kind, 0);
        }
        Duration window = Duration.between(before.at, now.at);
        int len = (int) (long) ctx.setting(TEXT_LENGTH);
        for (Verdict v : verdicts) {
            String text = texts.getOrDefault(v.delta.key.queryid, "");
            if (StatementShape.of(text).own()) {
                continue; // our own monitoring queries
            }
            counts.merge(v.kind, 1, Integer::sum);
            out.finding(v.finding(ctx, shown(text, len), window));
        }
        double strongest = 0;
        for (FanOut.Pair p : loops) {
            counts.merge("n_plus_one", 1, Integer::sum);
            strongest = Math.max(strongest, p.fanOut());
            out.finding(loopFinding(ctx, p, window, len));
        }
        out.signal(FAN_OUT, round(strongest));
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
        for (int i = 0; i < top; i++) {
            out.signal(TOP_MEAN, i < byMean.size() ? byMean.get(i).meanMs() / 1000.0 : 0, Integer.toString(i + 1));
        }
    }

    /**
     * The N+1 loops of the window: the counter pairs {@link FanOut} finds, kept where the child's text is a lookup
     * and the parent's a statement that returns rows, neither of them ours; one parent per child.
     */
    private List<FanOut.Pair> loops(DetectionContext ctx, ReadOnlyTx tx, List<Delta> deltas) {
        FanOut.Thresholds t = new FanOut.Thresholds(ctx.setting(NPLUS1_CALLS), ctx.setting(NPLUS1_ROWS_PER_CALL),
                ctx.setting(NPLUS1_FAN_OUT), ctx.setting(NPLUS1_TOLERANCE), ctx.setting(NPLUS1_PARENT_CALLS));
        List<List<FanOut.Pair>> candidates = FanOut.candidates(deltas, t);
        List<Long> ids = new ArrayList<>();
        for (List<FanOut.Pair> pairs : candidates) {
            ids.add(pairs.get(0).child().key().queryid());
            pairs.forEach(p -> ids.add(p.parent().key().queryid()));
        }
        read(ctx, tx, ids);
        List<FanOut.Pair> out = new ArrayList<>();
        for (List<FanOut.Pair> pairs : candidates) {
            if (!shape(pairs.get(0).child()).lookup()) {
                continue;
            }
            pairs.stream().filter(p -> shape(p.parent()).rowSource()).findFirst().ifPresent(out::add);
        }
        return out;
    }

    /** A statement's shape; {@link StatementShape#UNKNOWN} (never a candidate) when its text was not read. */
    private StatementShape shape(Delta d) {
        String text = texts.get(d.key().queryid());
        return text == null ? StatementShape.UNKNOWN : StatementShape.of(text);
    }

    private dev.telltale.core.Finding loopFinding(DetectionContext ctx, FanOut.Pair p, Duration window, int len) {
        Delta child = p.child();
        Delta parent = p.parent();
        double fanOut = p.fanOut();
        return ctx.finding(Problem.N_PLUS_ONE_QUERY,
                        fanOut >= ctx.setting(NPLUS1_CRITICAL_FAN_OUT) ? Severity.CRITICAL : Severity.WARNING,
                        "queryid " + child.key().queryid() + " (once per row of another statement)")
                .summary(String.format(java.util.Locale.ROOT, "statement %d ran once per row of statement %d: %d calls for "
                                + "the %d rows that %d calls of it returned (%.0f per call): the N+1 signature",
                        child.key().queryid(), parent.key().queryid(), child.calls(), parent.rows(), parent.calls(), fanOut))
                .evidence("queryid", Long.toString(child.key().queryid()))
                .evidence("parent_queryid", Long.toString(parent.key().queryid()))
                .evidence("dbid", child.key().dbid())
                .evidence("window_seconds", window.toMillis() / 1000.0)
                .evidence("query", shown(texts.get(child.key().queryid()), len))
                .evidence("parent_query", shown(texts.get(parent.key().queryid()), len))
                .evidence("calls", child.calls())
                .evidence("rows_per_call", round(child.rowsPerCall()))
                .evidence("mean_ms", round(child.meanMs()))
                .evidence("total_ms", round(child.totalMs()))
                .evidence("parent_calls", parent.calls())
                .evidence("parent_rows", parent.rows())
                .evidence("calls_per_parent_row", Words.round3(p.ratio()))
                .evidence("fan_out", round(fanOut))
                .hint("the application runs the first statement once for each row the parent statement returns: load "
                        + "those rows in one query (a join, one = any($1) or IN (...) lookup per batch, or the ORM's "
                        + "batch/join fetch) in the code that runs both")
                .build();
    }

    /** Evidence text: normalised (no literals) unless the target shows them, on one line, cut at the text length. */
    private static String shown(String text, int len) {
        return text == null ? "" : QueryText.shown(text, len);
    }

    /** One reportable statement. */
    private record Verdict(String kind, Problem problem, Severity severity, Delta delta, Optional<Baseline> baseline,
                           String summary) {
        dev.telltale.core.Finding finding(DetectionContext ctx, String text, Duration window) {
            String subject = "queryid " + delta.key.queryid + (kind.equals("temp_spill") ? " (temp files)" : "");
            var f = ctx.finding(problem, severity, subject).summary(summary)
                    .evidence("queryid", Long.toString(delta.key.queryid))
                    .evidence("dbid", delta.key.dbid)
                    .evidence("window_seconds", window.toMillis() / 1000.0)
                    .evidence("calls", delta.calls)
                    .evidence("mean_ms", round(delta.meanMs()))
                    .evidence("total_ms", round(delta.totalMs))
                    .evidence("rows_per_call", round(delta.rowsPerCall()));
            baseline.ifPresent(b -> f.evidence("baseline_mean_ms", round(b.meanMs)));
            if (delta.tempBytes > 0) {
                f.evidence("temp_bytes", delta.tempBytes);
            }
            if (!text.isEmpty()) {
                f.evidence("query", text);
            }
            return f.hint(switch (kind) {
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
            if (d.tempBytes >= tempBytes && tempBytes > 0) {
                out.add(new Verdict("temp_spill", Problem.SLOW_QUERIES, Severity.WARNING, d, b,
                        String.format("statement %d wrote %d MB of temp files in %d calls", d.key.queryid,
                                d.tempBytes / (1024 * 1024), d.calls)));
            }
        }
        return out;
    }

    /** Baselines learn only from windows in which the statement was not reported, so a lasting problem stays visible. */
    private void learn(List<Delta> deltas, List<Verdict> verdicts, List<FanOut.Pair> loops) {
        Set<Key> flagged = new java.util.HashSet<>();
        for (Verdict v : verdicts) {
            if (v.kind.equals("regression")) {
                flagged.add(v.delta.key);
            }
        }
        loops.forEach(p -> flagged.add(p.child().key()));
        for (Delta d : deltas) {
            if (flagged.contains(d.key)) {
                continue;
            }
            Baseline b = baselines.computeIfAbsent(d.key, k -> new Baseline());
            b.meanMs = b.calls == 0 ? d.meanMs() : EWMA * d.meanMs() + (1 - EWMA) * b.meanMs;
            b.calls += d.calls;
        }
    }

    /** Reads the text of the statements among {@code ids} not read before (at most {@link #TEXTS_PER_RUN}). */
    private void read(DetectionContext ctx, ReadOnlyTx tx, List<Long> ids) {
        List<Long> missing = ids.stream().distinct().filter(id -> !texts.containsKey(id)).limit(TEXTS_PER_RUN).toList();
        if (missing.isEmpty()) {
            return;
        }
        int len = Math.max(SHAPE_LENGTH, (int) (long) ctx.setting(TEXT_LENGTH));
        tx.withRowCap(missing.size()).list(TEXT, Map.of("ids", missing.toArray(Long[]::new), "len", len))
                .forEach(t -> texts.put(t.queryid(), Optional.ofNullable(t.query()).orElse("")));
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
