-- What: the text of the few statements a finding reports, truncated. Reading text loads the whole
--       query-text file into this backend, so it runs only when something is reported.
-- Needs: pg_stat_statements; pg_read_all_stats to see other roles' text.
-- Versions: 13 and later.
select s.queryid, left(min(s.query), :len) as query
  from pg_stat_statements(true) s
 where s.queryid = any(:ids)
 group by s.queryid
