-- What: the oldest active query, idle-in-transaction period, transaction and snapshot among client sessions
--       (whether or not they pass a threshold), for the gauges of postgres.long-running.
-- Needs: pg_monitor (pg_read_all_stats) to see other roles' state.
-- Versions: 13 and later.
select coalesce(max(extract(epoch from now() - query_start)) filter (where state = 'active'), 0)::float8 as longest_query,
       coalesce(max(extract(epoch from now() - state_change)) filter (where state like 'idle in transaction%'), 0)::float8
           as longest_idle,
       -- an aborted transaction keeps no xact_start; its failed statement's start is a lower bound
       coalesce(max(extract(epoch from now() - coalesce(xact_start, case when state = 'idle in transaction (aborted)'
                                                                    then query_start end))), 0)::float8
           as longest_transaction,
       coalesce(max(age(backend_xmin)), 0)::bigint as oldest_xmin_age
  from pg_stat_activity
 where backend_type = 'client backend'
   and pid <> pg_backend_pid()
   and coalesce(application_name, '') <> 'telltale'
