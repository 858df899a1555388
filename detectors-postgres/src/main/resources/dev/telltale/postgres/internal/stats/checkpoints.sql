-- What: checkpoint counters: how many were timed (checkpoint_timeout) and how many were requested (WAL
--       reached its trigger, or an explicit CHECKPOINT, CREATE DATABASE, a base backup: this view cannot
--       tell those apart), buffers written by checkpoints, and the WAL position in bytes with the
--       settings that decide when WAL volume forces a checkpoint (so the WAL written between two runs
--       bounds how many of the requested ones WAL can have forced).
-- Needs: nothing beyond CONNECT.
-- Versions: 13 to 16 read pg_stat_bgwriter; 17 moved these counters to pg_stat_checkpointer.
select checkpoints_timed::int8 as timed,      -- before pg17
       checkpoints_req::int8 as requested,    -- before pg17
       buffers_checkpoint::int8 as buffers,   -- before pg17
select num_timed::int8 as timed,              -- from pg17
       num_requested::int8 as requested,      -- from pg17
       buffers_written::int8 as buffers,      -- from pg17
       stats_reset as reset,
       current_setting('max_wal_size') as max_wal,
       current_setting('checkpoint_timeout') as timeout,
       pg_size_bytes(current_setting('max_wal_size')) as max_wal_bytes,
       current_setting('checkpoint_completion_target')::float8 as completion_target,
       pg_wal_lsn_diff(case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end,
                       '0/0')::int8 as wal_bytes
  from pg_stat_bgwriter                       -- before pg17
  from pg_stat_checkpointer                   -- from pg17
