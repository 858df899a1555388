package dev.telltale.postgres.internal.stats;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Setting;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.internal.PostgresDetector;
import dev.telltale.postgres.internal.ReadOnlyTx;

/**
 * A detector over the pg_stat_database counters of the watched database (its {@code database} setting),
 * judged on how they changed since the previous run: a counter since the last reset hides today's change
 * behind months of history.
 */
abstract class DatabaseDeltaDetector extends PostgresDetector {
    private final Setting<String> database;
    private DatabaseCounters previous;

    DatabaseDeltaDetector(PostgresTarget target, DetectorSpec spec, Setting<String> database) {
        super(target, spec);
        this.database = database;
    }

    @Override
    protected final Detection detect(DetectionContext ctx, ReadOnlyTx tx) {
        String watched = ctx.setting(database).trim();
        String shown = watched.equalsIgnoreCase("current") ? tx.server().database() : watched;
        long dbid = StatsSupport.watchedDatabase(spec().id(), database, ctx, tx);
        DatabaseCounters now = DatabaseCounters.read(tx, dbid, dbid == 0 || shown.equals(tx.server().database()));
        DatabaseCounters before = previous;
        previous = now;
        return judge(ctx, tx, before, now, shown);
    }

    /**
     * Judges the counters; by default only a window that can be subtracted ({@link DatabaseCounters#comparableTo}),
     * nothing otherwise (the first run, a statistics reset).
     *
     * @param tx       the run's transaction ({@link ReadOnlyTx#reportsServer} for causes of the whole cluster)
     * @param before   the previous run's counters, null on the first run
     * @param database the watched database as findings name it
     */
    protected Detection judge(DetectionContext ctx, ReadOnlyTx tx, DatabaseCounters before, DatabaseCounters now,
                              String database) {
        return before == null || !before.comparableTo(now) ? Detection.nothing() : judgeWindow(ctx, tx, before, now, database);
    }

    /** Judges a window whose counters can be subtracted: {@code now} minus {@code before}. */
    protected Detection judgeWindow(DetectionContext ctx, ReadOnlyTx tx, DatabaseCounters before, DatabaseCounters now,
                                    String database) {
        throw new UnsupportedOperationException(spec().id() + " judges its counters itself");
    }
}
