-- What: how long the connected database's statistics have been collecting: since its last stats reset,
--       or since the server started when it was never reset (a lower bound on 15+, where stats survive
--       a clean restart). An index is only "unused" if the statistics are old enough to have seen it used.
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select extract(epoch from now() - coalesce(stats_reset, pg_postmaster_start_time()))::float8 as seconds
  from pg_stat_database where datname = current_database()
