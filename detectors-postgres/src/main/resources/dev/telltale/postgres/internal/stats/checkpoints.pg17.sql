-- What: checkpoint counters: timed vs requested checkpoints and buffers written by them.
-- Needs: nothing beyond CONNECT.
-- Versions: 17 and later (pg_stat_checkpointer; pg_stat_bgwriter lost its checkpoints_* columns).
select num_timed::int8 as timed,
       num_requested::int8 as requested,
       buffers_written::int8 as buffers,
       stats_reset as reset,
       current_setting('max_wal_size') as max_wal,
       current_setting('checkpoint_timeout') as timeout
  from pg_stat_checkpointer
