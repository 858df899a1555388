package dev.telltale.postgres.internal.stats;

import dev.telltale.postgres.internal.QueryRunner;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Cumulative pg_stat_database counters of the watched database (or all): the input of the cheap delta detectors.
 * {@code own} is what the target's own connection had committed and rolled back when they were read, when the watched
 * databases include the connection's (else zero): Telltale's part of the transaction counters.
 */
record DatabaseCounters(long dbid, long xactCommit, long xactRollback, long blksHit, long blksRead, long tempFiles,
                        long tempBytes, long checksumFailures, Optional<Instant> lastChecksumFailure,
                        Optional<Instant> statsReset, boolean checksumsOn, QueryRunner.OwnTransactions own) {
    private static final SqlFile<Row> COUNTERS = SqlFile.load(DatabaseCounters.class, "database-counters", Row.class);

    private record Row(long xactCommit, long xactRollback, long blksHit, long blksRead, long tempFiles, long tempBytes,
                       long checksumFailures, Optional<Instant> checksumLastFailure, Optional<Instant> statsReset, boolean checksumsOn) {
    }

    private static final QueryRunner.OwnTransactions NONE = new QueryRunner.OwnTransactions(0, 0);

    /** @param ownInside whether the watched databases include the one the target's connection is in */
    static DatabaseCounters read(ReadOnlyTx tx, long dbid, boolean ownInside) {
        QueryRunner.OwnTransactions own = ownInside ? tx.ownTransactions() : NONE;
        Row r = tx.one(COUNTERS, Map.of("dbid", dbid));
        return new DatabaseCounters(dbid, r.xactCommit(), r.xactRollback(), r.blksHit(), r.blksRead(), r.tempFiles(),
                r.tempBytes(), r.checksumFailures(), r.checksumLastFailure(), r.statsReset(), r.checksumsOn(), own);
    }

    /** Whether {@code later} can be subtracted from this one: same database, no reset, no counter going down. */
    boolean comparableTo(DatabaseCounters later) {
        return dbid == later.dbid && statsReset.equals(later.statsReset) && later.blksHit >= blksHit
                && later.xactCommit >= xactCommit && later.xactRollback >= xactRollback
                && later.blksRead >= blksRead && later.tempBytes >= tempBytes && later.checksumFailures >= checksumFailures;
    }
}
