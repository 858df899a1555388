package dev.telltale.postgres.stats;

import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;

/** Cumulative pg_stat_database counters of the watched database (or all): the input of the cheap delta detectors. */
record DatabaseCounters(long dbid, long blksHit, long blksRead, long tempFiles, long tempBytes, long checksumFailures,
                        Optional<Instant> lastChecksumFailure, Optional<Instant> statsReset, boolean checksumsOn) {
    private static final SqlFile COUNTERS = SqlFile.load(DatabaseCounters.class, "database-counters");

    static DatabaseCounters read(ReadOnlyTx tx, long dbid) {
        return tx.one(COUNTERS, Map.of("dbid", dbid), (rs, c) -> new DatabaseCounters(dbid, rs.getLong("blks_hit"),
                rs.getLong("blks_read"), rs.getLong("temp_files"), rs.getLong("temp_bytes"), rs.getLong("checksum_failures"),
                Optional.ofNullable(rs.getObject("checksum_last_failure", OffsetDateTime.class)).map(OffsetDateTime::toInstant),
                Optional.ofNullable(rs.getObject("stats_reset", OffsetDateTime.class)).map(OffsetDateTime::toInstant),
                rs.getBoolean("checksums_on")));
    }

    /** Whether {@code later} can be subtracted from this one: same database, no reset, no counter going down. */
    boolean comparableTo(DatabaseCounters later) {
        return dbid == later.dbid && statsReset.equals(later.statsReset) && later.blksHit >= blksHit
                && later.blksRead >= blksRead && later.tempBytes >= tempBytes && later.checksumFailures >= checksumFailures;
    }
}
