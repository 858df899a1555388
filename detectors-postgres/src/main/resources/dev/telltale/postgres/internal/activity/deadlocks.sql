-- What: the deadlock counter of every database (cumulative since the last statistics reset, which is returned
--       too so that a reset is not mistaken for a drop).
-- Needs: nothing (pg_stat_database is readable by every role).
-- Versions: 13 and later.
select datname as database, deadlocks, stats_reset
  from pg_stat_database
 where datname is not null
 order by datname
 limit :limit
