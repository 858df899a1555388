-- What: committed transactions of the watched database (or of all databases when :dbid = 0), the
--       denominator of calls per transaction (the N+1 signature).
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select coalesce(sum(xact_commit), 0)::int8 as commits
  from pg_stat_database
 where datid <> 0 and (:dbid = 0 or datid::int8 = :dbid)
