-- What: what the sessions at the root of blocking chains are doing: state, query, transaction age,
--       how long they have been in their state, and how many locks they hold.
-- Needs: pg_monitor (pg_read_all_stats) to see other roles' state and query.
-- Versions: 13 and later.
select a.pid, a.usename, a.application_name, a.datname, a.state, a.backend_type,
       a.wait_event_type, a.wait_event, left(a.query, 300) as query,
       host(a.client_addr) as client_addr,
       extract(epoch from now() - a.xact_start)::float8 as xact_seconds,
       extract(epoch from now() - a.state_change)::float8 as state_seconds,
       (select count(*) from pg_locks l where l.pid = a.pid and l.granted) as locks_held
  from pg_stat_activity a
 where a.pid = any(:pids)
