-- What: rows that several sessions wait to lock at the same time. A session waiting for a row that another
--       transaction has locked holds or awaits that row's tuple lock, so grouping tuple locks by
--       (database, relation, page, tuple) counts the sessions queued on each row exactly.
--       For the queue's head, pg_blocking_pids names the transaction holding the row.
-- Needs: nothing for the counts (pg_locks is readable by every role); pg_monitor to see the waiters' query text.
-- Versions: 13 and later.
with tuple_locks as (
    select l.database, l.relation, l.page, l.tuple, l.pid, l.granted
      from pg_locks l
     where l.locktype = 'tuple'
       and l.pid <> pg_backend_pid()
), queued as (
    select database, relation, page, tuple, count(*) as sessions,
           (array_agg(pid order by granted desc, pid))[1] as head_pid
      from tuple_locks
     group by database, relation, page, tuple
     order by count(*) desc
     limit :limit
)
select coalesce((select datname from pg_database where oid = r.database), '?') as database,
       case when r.database = (select oid from pg_database where datname = current_database())
            then r.relation::regclass::text
            else 'relation ' || r.relation || ' in database '
                 || coalesce((select datname from pg_database where oid = r.database), '?')
       end as relation,
       r.page, r.tuple, r.sessions,
       pg_blocking_pids(r.head_pid) as holders,
       (select extract(epoch from now() - min(a.query_start))::float8
          from pg_stat_activity a join tuple_locks t on t.pid = a.pid
         where t.database = r.database and t.relation = r.relation and t.page = r.page and t.tuple = r.tuple) as longest_wait_seconds,
       (select left(a.query, 300) from pg_stat_activity a where a.pid = r.head_pid) as sample_query
  from queued r
 order by r.sessions desc
