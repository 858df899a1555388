-- What: every session waiting on a heavyweight lock, with the sessions that block it (pg_blocking_pids,
--       called for waiting sessions only, since it briefly locks the whole lock manager), the lock it waits
--       for, and the relation and row concerned. A waiter on a transaction id holds the row's tuple lock,
--       which names the relation and the row (page, tuple); relid is the relation's oid (in the waiter's own
--       database; null for a shared catalog).
-- Needs: pg_monitor (pg_read_all_stats) to see other roles' wait state and query.
-- Versions: 14 and later measure the wait exactly from pg_locks.waitstart; 13 has no waitstart, so there
--           the wait is measured from query_start (an upper bound).
with waiting as (
    select a.pid, a.usename, a.application_name, a.datname, a.wait_event, a.query_start, a.xact_start,
           left(a.query, 300) as query,
           pg_blocking_pids(a.pid) as blockers
      from pg_stat_activity a
     where a.wait_event_type = 'Lock'
       and a.pid <> pg_backend_pid()
     limit :limit
)
select w.pid, w.usename, w.application_name, w.datname, w.wait_event, w.query, w.blockers,
       extract(epoch from now() - coalesce(w.query_start, now()))::float8 as wait_seconds,                -- before pg14
       false as exact_wait,                                                                              -- before pg14
       extract(epoch from now() - coalesce(l.waitstart, w.query_start, now()))::float8 as wait_seconds,  -- from pg14
       l.waitstart is not null as exact_wait,                                                            -- from pg14
       extract(epoch from now() - w.xact_start)::float8 as xact_seconds,
       l.locktype, l.mode,
       case when r.relid is null then null
            when r.dbid = (select oid from pg_database where datname = current_database()) then r.relid::regclass::text
            else 'relation ' || r.relid || ' in database ' || coalesce((select datname from pg_database where oid = r.dbid), '?')
       end as relation,
       case when r.dbid <> 0 then r.relid::int8 end as relid,
       t.page, t.tuple
  from waiting w
  left join lateral (select locktype, mode, database, relation             -- before pg14
  left join lateral (select locktype, mode, database, relation, waitstart  -- from pg14
                       from pg_locks where pid = w.pid and not granted limit 1) l on true
  left join lateral (select database, relation, page, tuple
                       from pg_locks where pid = w.pid and locktype = 'tuple' limit 1) t on true
  left join lateral (select case when l.relation is not null then l.database else t.database end as dbid,
                            coalesce(l.relation, t.relation) as relid) r on true
