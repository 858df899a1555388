-- What: the applications (application_name, user, database) holding the most client sessions, and how many
--       of those sit idle inside a transaction.
-- Needs: pg_monitor (pg_read_all_stats) to see other roles' session states.
-- Versions: 13 and later.
select coalesce(nullif(application_name, ''), '(no application_name)') as application,
       coalesce(usename, '?') as usename,
       coalesce(datname, '?') as datname,
       count(*) as sessions,
       count(*) filter (where state in ('idle in transaction', 'idle in transaction (aborted)')) as idle_in_transaction
  from pg_stat_activity
 where backend_type = 'client backend'
   and pid <> pg_backend_pid()
 group by 1, 2, 3
 order by 4 desc, 1
 limit :limit
