-- What: many sessions running the same statement at the same moment (a thundering herd after a cache
--       miss, a retry storm). Statements are grouped by query_id when the server computes it (14 and
--       later, with compute_query_id = on, or auto with pg_stat_statements loaded), else by their text with
--       literals replaced by '?'.
-- Needs: pg_monitor (pg_read_all_stats) to see other roles' queries.
-- Versions: 13 and later; 13 has no query_id in pg_stat_activity.
with active as (
    select a.datname, a.application_name, a.wait_event_type, a.query_start,              -- before pg14
    select a.datname, a.application_name, a.wait_event_type, a.query_start, a.query_id,  -- from pg14
           regexp_replace(
             regexp_replace(
               regexp_replace(
                 regexp_replace(left(a.query, 1024), '''(?:[^'']|'''')*''', '?', 'g'),
                 '(?<![$])\m\d+(?:\.\d+)?\M', '?', 'g'),
               '\(\s*\?(?:\s*,\s*\?)*\s*\)', '(?)', 'g'),
             '\s+', ' ', 'g') as normalized
      from pg_stat_activity a
     where a.state = 'active'
       and a.backend_type = 'client backend'
       and a.pid <> pg_backend_pid()
       and coalesce(a.application_name, '') <> 'telltale'
)                                                                                             -- before pg14
), keyed as (                                                                                 -- from pg14
    select *, coalesce('queryid ' || query_id, 'sql ' || left(md5(normalized), 12)) as fingerprint  -- from pg14
      from active                                                                             -- from pg14
)                                                                                             -- from pg14
select null::bigint as query_id,                            -- before pg14
       'sql ' || left(md5(normalized), 12) as fingerprint,  -- before pg14
select min(query_id) as query_id,                           -- from pg14
       fingerprint,                                         -- from pg14
       min(normalized) as normalized,
       count(*) as sessions,
       count(*) filter (where wait_event_type = 'Lock') as waiting_on_locks,
       extract(epoch from now() - min(query_start))::float8 as oldest_seconds,
       string_agg(distinct coalesce(nullif(application_name, ''), '?'), ', ') as applications,
       string_agg(distinct coalesce(datname, '?'), ', ') as databases
  from active            -- before pg14
  from keyed             -- from pg14
 group by normalized     -- before pg14
 group by fingerprint    -- from pg14
having count(*) >= :min_sessions
 order by count(*) desc
 limit :limit
