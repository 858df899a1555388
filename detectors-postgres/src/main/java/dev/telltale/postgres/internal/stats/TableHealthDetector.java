package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.Notes;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code postgres.table-health}: tables of the connected database whose dead tuples passed their own
 * autovacuum trigger (per-table reloptions honoured) without a vacuum catching up, and tables with a large
 * estimated bloat, in bytes and percent.
 */
public final class TableHealthDetector extends PostgresDetector implements TableHealthDetectorSpec {
    private static final SqlFile<HealthRow> HEALTH = SqlFile.load(TableHealthDetector.class, "table-health", HealthRow.class);

    private record HealthRow(String schema, String table, long nLiveTup, long nDeadTup, double trigger, boolean autovacuumOn,
                             Optional<Double> vacuumAgeSeconds, Optional<Double> analyzeAgeSeconds, long tableBytes,
                             Optional<Double> bloatBytes, Optional<Long> totalBytes, boolean candidate,
                             boolean bloatUnderFloor, long candidates, long underFloor) {
        Row row() {
            return new Row(schema + "." + table, nLiveTup, nDeadTup, trigger, autovacuumOn, vacuumAgeSeconds,
                    analyzeAgeSeconds, tableBytes, bloatBytes, totalBytes);
        }
    }

    /**
     * Tables wasting at least this fraction of the bloat floor (but less than the floor) are estimated too, so
     * that a note can say what the floor withheld; smaller ones are not worth the estimate's cost.
     */
    private static final double NOTE_FRACTION = 0.1;

    /** Since when each table has been seen past its autovacuum trigger. */
    private final Map<String, java.time.Instant> overTriggerSince = new java.util.HashMap<>();

    public TableHealthDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    private record Row(String table, long live, long dead, double trigger, boolean autovacuum, Optional<Double> vacuumAge,
                       Optional<Double> analyzeAge, long tableBytes, Optional<Double> bloat, Optional<Long> totalBytes) {
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        long deadMin = ctx.setting(DEAD_MIN);
        double deadRatio = ctx.setting(DEAD_RATIO);
        long bloatWarn = ctx.setting(BLOAT_WARNING);
        long bloatCrit = ctx.setting(BLOAT_CRITICAL);
        double bloatRatio = ctx.setting(BLOAT_RATIO);
        long limit = ctx.setting(LIMIT);
        List<HealthRow> read = tx.list(HEALTH, Map.of("min_pages", ctx.setting(MIN_PAGES), "min_dead", deadMin,
                "min_bloat", (double) bloatWarn, "note_bloat", bloatWarn * NOTE_FRACTION, "bloat_ratio", bloatRatio,
                "limit", limit));
        List<Row> rows = read.stream().filter(HealthRow::candidate).map(HealthRow::row).toList();

        Duration grace = ctx.setting(DEAD_GRACE);
        java.util.Set<String> over = new java.util.HashSet<>();
        Detection.Builder out = Detection.builder();
        int overdue = 0;
        List<Double> dead = new ArrayList<>();
        List<Double> bloat = new ArrayList<>();
        for (Row r : rows) {
            dead.add((double) r.dead);
            r.bloat.ifPresent(bloat::add);
            double share = r.live + r.dead == 0 ? 0 : (double) r.dead / (r.live + r.dead);
            Duration pastTrigger = Duration.ZERO;
            if (r.dead > r.trigger) {
                overdue++;
                over.add(r.table);
                pastTrigger = Duration.between(overTriggerSince.computeIfAbsent(r.table, t -> ctx.now()), ctx.now());
            }
            if (r.dead > r.trigger && r.dead >= deadMin && share >= deadRatio
                    && (!r.autovacuum || pastTrigger.compareTo(grace) >= 0)) {
                out.finding(evidence(ctx.finding(Problem.STORAGE_BLOAT, Severity.WARNING, r.table + " (dead tuples)")
                        .summary(String.format("table %s has %d dead tuples (%.0f %% of its rows), past its autovacuum "
                                        + "trigger of %.0f; last vacuum %s%s", r.table, r.dead, share * 100, r.trigger,
                                r.vacuumAge.map(StatsSupport::ago).orElse("never"),
                                r.autovacuum ? "" : "; autovacuum is off for it")), r, share)
                        .evidence("past_trigger_seconds", pastTrigger.toSeconds())
                        .hint(r.autovacuum
                                ? "autovacuum is not keeping up: look for long transactions or replication slots holding "
                                + "the xmin horizon, and lower autovacuum_vacuum_scale_factor for this table"
                                : "autovacuum is disabled for this table (reloption autovacuum_enabled or autovacuum = off): "
                                + "vacuum it and turn autovacuum back on"));
            }
            if (r.bloat.isPresent() && r.tableBytes > 0) {
                double bytes = r.bloat.get();
                double pct = bytes / r.tableBytes;
                if (bytes >= bloatWarn && pct >= bloatRatio) {
                    out.finding(evidence(ctx.finding(Problem.STORAGE_BLOAT,
                                    bytes >= bloatCrit ? Severity.CRITICAL : Severity.WARNING, r.table + " (bloat)")
                            .summary(String.format("table %s wastes about %s (%.0f %% of its %s) on dead or empty space",
                                    r.table, StatsSupport.mb(bytes), pct * 100, StatsSupport.mb(r.tableBytes)))
                            .evidence("bloat_bytes", Math.round(bytes)).evidence("bloat_ratio", StatementsDetector.round(pct)),
                            r, share)
                            .hint("plain VACUUM makes the space reusable but rarely returns it; pg_repack or VACUUM FULL "
                                    + "(exclusive lock) shrinks the table"));
                }
            }
        }
        overTriggerSince.keySet().retainAll(over);
        long candidates = read.isEmpty() ? 0 : read.get(0).candidates();
        Notes.truncated(out, ID, LIMIT, limit, rows.size(), candidates - rows.size(), "tables past a dead-tuple or bloat floor");
        underFloorNote(out, read, bloatWarn, bloatRatio);
        long top = ctx.setting(TOP);
        StatsSupport.ranked(out, TOP_DEAD, dead.stream().sorted((a, b) -> Double.compare(b, a)).toList(), top);
        StatsSupport.ranked(out, TOP_BLOAT, bloat.stream().sorted((a, b) -> Double.compare(b, a)).toList(), top);
        out.signal(OVER_TRIGGER, overdue);
        return out.build();
    }

    /** Tables wasting a large share, but fewer bytes than the warning floor: the floor withheld their verdict. */
    private static void underFloorNote(Detection.Builder out, List<HealthRow> read, long bloatWarn, double bloatRatio) {
        long under = read.isEmpty() ? 0 : read.get(0).underFloor();
        if (under == 0) {
            return;
        }
        String largest = read.stream().filter(HealthRow::bloatUnderFloor)
                .max(java.util.Comparator.comparingDouble(r -> r.bloatBytes().orElse(0.0)))
                .map(r -> " (the largest listed: " + r.schema() + "." + r.table() + ", about "
                        + StatsSupport.mb(r.bloatBytes().orElse(0.0)) + ")").orElse("");
        out.note(String.format("%,d of the tables waste an estimated %.0f %% or more of their size, at least %s but less than "
                        + "the floor of %s%s: %s withholds the verdict (lower it to have them reported)", under,
                bloatRatio * 100, StatsSupport.mb(bloatWarn * NOTE_FRACTION), StatsSupport.mb(bloatWarn), largest,
                Notes.setting(ID, BLOAT_WARNING, bloatWarn)));
    }

    private static dev.telltale.core.Finding.Builder evidence(dev.telltale.core.Finding.Builder f, Row r, double share) {
        return f.evidence("dead_tuples", r.dead).evidence("live_tuples", r.live)
                .evidence("dead_ratio", StatementsDetector.round(share))
                .evidence("autovacuum_trigger", Math.round(r.trigger)).evidence("autovacuum_enabled", r.autovacuum)
                .evidence("last_vacuum", r.vacuumAge.map(StatsSupport::ago).orElse("never"))
                .evidence("last_analyze", r.analyzeAge.map(StatsSupport::ago).orElse("never"))
                .evidence("table_bytes", r.tableBytes).evidence("total_bytes", r.totalBytes.orElse(null));
    }
}
