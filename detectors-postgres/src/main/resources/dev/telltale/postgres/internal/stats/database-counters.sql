-- What: cumulative per-database counters for the cheap delta detectors (cache hit, temp spills,
--       checksum failures, rollbacks): summed over the watched database, or over all when :dbid = 0.
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later (checksum_failures since 12).
select coalesce(sum(xact_commit), 0)::int8 as xact_commit,
       coalesce(sum(xact_rollback), 0)::int8 as xact_rollback,
       coalesce(sum(blks_hit), 0)::int8 as blks_hit,
       coalesce(sum(blks_read), 0)::int8 as blks_read,
       coalesce(sum(temp_files), 0)::int8 as temp_files,
       coalesce(sum(temp_bytes), 0)::int8 as temp_bytes,
       coalesce(sum(checksum_failures), 0)::int8 as checksum_failures,
       max(checksum_last_failure) as checksum_last_failure,
       max(stats_reset) as stats_reset,
       current_setting('data_checksums') = 'on' as checksums_on
  from pg_stat_database
 where datid <> 0 and (:dbid = 0 or datid::int8 = :dbid)
