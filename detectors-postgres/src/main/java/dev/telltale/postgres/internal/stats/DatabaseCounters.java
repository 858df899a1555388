package dev.telltale.postgres.internal.stats;

import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Cumulative pg_stat_database counters of the watched database (or all): the input of the cheap delta detectors. */
record DatabaseCounters(long dbid, long blksHit, long blksRead, long tempFiles, long tempBytes, long checksumFailures,
                        Optional<Instant> lastChecksumFailure, Optional<Instant> statsReset, boolean checksumsOn) {
    private static final SqlFile<Row> COUNTERS = SqlFile.load(DatabaseCounters.class, "database-counters", Row.class);

    private record Row(long blksHit, long blksRead, long tempFiles, long tempBytes, long checksumFailures,
                       Optional<Instant> checksumLastFailure, Optional<Instant> statsReset, boolean checksumsOn) {
    }

    static DatabaseCounters read(ReadOnlyTx tx, long dbid) {
        Row r = tx.one(COUNTERS, Map.of("dbid", dbid));
        return new DatabaseCounters(dbid, r.blksHit(), r.blksRead(), r.tempFiles(), r.tempBytes(), r.checksumFailures(),
                r.checksumLastFailure(), r.statsReset(), r.checksumsOn());
    }

    /** Whether {@code later} can be subtracted from this one: same database, no reset, no counter going down. */
    boolean comparableTo(DatabaseCounters later) {
        return dbid == later.dbid && statsReset.equals(later.statsReset) && later.blksHit >= blksHit
                && later.blksRead >= blksRead && later.tempBytes >= tempBytes && later.checksumFailures >= checksumFailures;
    }
}
