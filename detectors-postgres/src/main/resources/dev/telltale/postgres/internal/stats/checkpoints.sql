-- What: checkpoint counters: how many were timed (checkpoint_timeout) and how many were requested
--       (WAL reached max_wal_size, or an explicit CHECKPOINT), and buffers written by checkpoints.
-- Needs: nothing beyond CONNECT.
-- Versions: 13 to 16 (pg_stat_bgwriter); 17 moved these to pg_stat_checkpointer (checkpoints.pg17.sql).
select checkpoints_timed::int8 as timed,
       checkpoints_req::int8 as requested,
       buffers_checkpoint::int8 as buffers,
       stats_reset as reset,
       current_setting('max_wal_size') as max_wal,
       current_setting('checkpoint_timeout') as timeout
  from pg_stat_bgwriter
