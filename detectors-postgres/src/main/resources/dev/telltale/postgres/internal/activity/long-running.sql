-- What: client sessions past one of the thresholds: an active query running long, a session idle inside a
--       transaction (measured from state_change, when it went idle), or a transaction open long (its xmin
--       holds back vacuum's horizon); wait_event_type tells the sessions waiting on a lock, which
--       postgres.lock-waits reports at their chain's root. Autovacuum, walsenders, background workers and telltale itself are not
--       client backends of the application and are left out.
-- Needs: pg_monitor (pg_read_all_stats) to see other roles' state and query.
-- Versions: 13 and later.
select a.pid, a.usename, a.application_name, a.datname, a.state, a.wait_event_type, a.wait_event,
       left(a.query, 300) as query,
       host(a.client_addr) as client_addr,
       a.query_start, a.xact_start, a.state_change,
       extract(epoch from now() - a.query_start)::float8 as query_seconds,
       -- an aborted transaction (idle in transaction (aborted)) has no xact_start: its failed statement's start
       -- (query_start) is inside it, so its age is at least that
       extract(epoch from now() - coalesce(a.xact_start, case when a.state = 'idle in transaction (aborted)'
                                                           then a.query_start end))::float8 as xact_seconds,
       a.xact_start is null and a.state = 'idle in transaction (aborted)' as xact_since_failure,
       extract(epoch from now() - a.state_change)::float8 as state_seconds,
       age(a.backend_xmin)::bigint as xmin_age,
       (select count(*) from pg_locks l where l.pid = a.pid and l.granted) as locks_held
  from pg_stat_activity a
 where a.backend_type = 'client backend'
   and a.pid <> pg_backend_pid()
   and coalesce(a.application_name, '') <> 'telltale'
   and ((a.state = 'active' and a.query_start < now() - make_interval(secs => :active_seconds))
     or (a.state like 'idle in transaction%' and a.state_change < now() - make_interval(secs => :idle_seconds))
     or (a.xact_start < now() - make_interval(secs => :xact_seconds)))
 order by least(a.xact_start, a.query_start)
 limit :limit
