-- What: checkpoint counters: timed vs requested checkpoints (requested still counts explicit CHECKPOINTs
--       and WAL-forced ones together), buffers written by them, and the WAL position in bytes with the
--       settings that decide when WAL volume forces a checkpoint.
-- Needs: nothing beyond CONNECT.
-- Versions: 17 and later (pg_stat_checkpointer; pg_stat_bgwriter lost its checkpoints_* columns).
select num_timed::int8 as timed,
       num_requested::int8 as requested,
       buffers_written::int8 as buffers,
       stats_reset as reset,
       current_setting('max_wal_size') as max_wal,
       current_setting('checkpoint_timeout') as timeout,
       pg_size_bytes(current_setting('max_wal_size')) as max_wal_bytes,
       current_setting('checkpoint_completion_target')::float8 as completion_target,
       pg_wal_lsn_diff(case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end,
                       '0/0')::int8 as wal_bytes
  from pg_stat_checkpointer
