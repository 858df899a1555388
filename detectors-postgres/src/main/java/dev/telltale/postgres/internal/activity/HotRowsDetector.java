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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code postgres.hot-rows}: rows that many sessions queue to lock at once, grouped by relation, so that
 * "80 sessions wait on one row of {@code inventory}" is one finding naming the table and the row. The queue
 * is read from tuple locks in {@code pg_locks}: every session waiting for a row locked by another
 * transaction holds or awaits that row's tuple lock. No anchor tool reports this.
 */
public final class HotRowsDetector extends PostgresDetector implements HotRowsDetectorSpec {
    private static final SqlFile<QueuedRow> HOT_ROWS_SQL = SqlFile.load(HotRowsDetector.class, "hot-rows", QueuedRow.class);
    private static final int RANKS = 3;

    public HotRowsDetector(PostgresTarget target) {
        super(target, SPEC);
    }

    record QueuedRow(String database, String relation, int page, int tuple, long sessions, List<Integer> holders,
                     Double longestWaitSeconds, String sampleQuery) {
        String ctid() {
            return "(" + page + "," + tuple + ")";
        }
    }

    record HotRelation(String relation, String database, long sessions, List<QueuedRow> rows) {
        QueuedRow hottest() {
            return rows.get(0);
        }

        double longestWait() {
            return rows.stream().mapToDouble(r -> r.longestWaitSeconds() == null ? 0 : r.longestWaitSeconds()).max().orElse(0);
        }
    }

    @Override
    protected Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        long warning = ctx.setting(WARNING);
        long critical = ctx.setting(CRITICAL);
        // pg_locks is complete for every role; only the sample query needs pg_monitor, so no privilege check here
        List<QueuedRow> rows = tx.sharedList(HOT_ROWS_SQL, Map.of("limit", Math.min(tx.maxRows(), 200)), this,
                ctx.settings().interval()).stream().filter(r -> tx.owns(r.database())).toList();
        Map<String, List<QueuedRow>> byRelation = rows.stream()
                .collect(Collectors.groupingBy(QueuedRow::relation, LinkedHashMap::new, Collectors.toList()));
        List<HotRelation> hot = new ArrayList<>();
        byRelation.forEach((rel, list) -> hot.add(new HotRelation(rel, list.get(0).database(),
                list.stream().mapToLong(QueuedRow::sessions).sum(),
                list.stream().sorted(Comparator.comparingLong(QueuedRow::sessions).reversed()).toList())));
        hot.sort(Comparator.comparingLong((HotRelation h) -> h.hottest().sessions()).reversed()
                .thenComparing(Comparator.comparingLong(HotRelation::sessions).reversed()));

        Detection.Builder out = Detection.builder()
                .signal(QUEUED, rows.stream().mapToLong(QueuedRow::sessions).sum());
        out.signal(HOTTEST_ROW, rows.stream().mapToLong(QueuedRow::sessions).max().orElse(0));
        for (int rank = 1; rank <= RANKS; rank++) {
            out.signal(TOP_RELATION, rank <= hot.size() ? hot.get(rank - 1).sessions() : 0, Integer.toString(rank));
        }
        long max = ctx.setting(MAX_FINDINGS);
        List<HotRelation> over = hot.stream().filter(h -> h.hottest().sessions() >= warning).toList();
        Notes.truncated(out, ID, MAX_FINDINGS, max, Math.min(over.size(), max), over.size() - max, "relations with hot rows");
        over.stream().limit(max).forEach(h -> {
            long queue = h.hottest().sessions();
            Severity severity = queue >= critical ? Severity.CRITICAL : Severity.WARNING;
            QueuedRow top = h.hottest();
            String holders = top.holders().stream().map(String::valueOf).collect(Collectors.joining(", "));
            out.finding(ctx.finding(Problem.PERFORMANCE_HOTSPOTS, severity, "hot rows in " + h.relation())
                    .summary(Words.count(h.sessions(), "session") + " queue to lock "
                            + (h.rows().size() == 1 ? "row " + top.ctid() : h.rows().size() + " rows") + " of " + h.relation()
                            + (h.rows().size() > 1 ? ", " + top.sessions() + " of them on row " + top.ctid() : "")
                            + (h.longestWait() > 0 ? "; the longest has waited " + Words.seconds(h.longestWait()) : ""))
                    .evidence("relation", h.relation())
                    .evidence("database", h.database())
                    .evidence("queued_sessions", h.sessions())
                    .evidence("rows", h.rows().size())
                    .evidence("hottest_row_ctid", top.ctid())
                    .evidence("hottest_row_sessions", top.sessions())
                    .evidence("row_held_by_pid", holders.isEmpty() ? null : holders)
                    .evidence("longest_wait_seconds", Words.round3(h.longestWait()))
                    .evidence("sample_query", QueryText.shown(top.sampleQuery(), 300))
                    .hint("Every transaction updates the same row (a stock level, a counter, a balance): keep the transactions "
                            + "that touch it short, update it last, batch or queue the increments, or spread it over several "
                            + "rows; see the row with select * from " + h.relation() + " where ctid = '" + top.ctid() + "';")
                    .holdFor(ctx.setting(FOR)));
        });
        return out.build();
    }
}
