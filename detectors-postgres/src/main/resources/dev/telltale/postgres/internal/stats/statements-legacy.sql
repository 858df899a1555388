-- What: the same counters as statements.sql for an extension that was never updated past 1.7
--       (total_time instead of total_exec_time + total_plan_time), without query text.
-- Needs: pg_stat_statements 1.4 to 1.7 in the connected database (run: alter extension pg_stat_statements update).
-- Versions: 13 and later servers whose installed extension version lags behind.
select s.dbid::int8 as dbid,
       s.queryid,
       sum(s.calls)::int8 as calls,
       sum(s.total_time)::float8 as total_ms,
       sum(s.rows)::int8 as rows,
       sum(s.temp_blks_written)::int8 as temp_blks_written
  from pg_stat_statements(false) s
 where s.queryid is not null
   and (:dbid = 0 or s.dbid::int8 = :dbid)
 group by s.dbid, s.queryid
 limit :cap
