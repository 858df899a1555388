-- What: replication slots: whether a consumer is attached, how much WAL each one keeps on disk, and
--       wal_status (reserved, extended, unreserved: about to lose WAL, lost: the consumer can never resume).
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later (wal_status and safe_wal_size since 13).
select slot_name as name, slot_type as type, active, coalesce(wal_status, 'unknown') as wal_status,
       coalesce(pg_wal_lsn_diff(case when pg_is_in_recovery() then pg_last_wal_receive_lsn()
                                     else pg_current_wal_lsn() end, restart_lsn), 0)::int8 as retained
  from pg_replication_slots
 order by 5 desc
 limit 100
