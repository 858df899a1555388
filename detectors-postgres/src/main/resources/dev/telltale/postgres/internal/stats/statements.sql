-- What: cumulative counters of every statement in pg_stat_statements, read WITHOUT query text
--       (showtext => false, so the external text file is not loaded). Rows that differ only by
--       userid or toplevel (1.9+) are merged into one per database and queryid.
-- Needs: pg_stat_statements 1.8 or later installed in the connected database; pg_read_all_stats
--        (pg_monitor) to see other roles' statements.
-- Versions: 13 and later; columns total_exec_time/total_plan_time exist in extension 1.8 to 1.11.
select s.dbid::int8 as dbid,
       s.queryid,
       sum(s.calls)::int8 as calls,
       sum(s.total_exec_time + s.total_plan_time)::float8 as total_ms,
       sum(s.rows)::int8 as rows,
       sum(s.temp_blks_written)::int8 as temp_blks_written
  from pg_stat_statements(false) s
 where s.queryid is not null
   and (:dbid = 0 or s.dbid::int8 = :dbid)
 group by s.dbid, s.queryid
 limit :cap
