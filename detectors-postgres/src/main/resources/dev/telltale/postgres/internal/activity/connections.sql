-- What: client sessions by state, against the connection limit a non-superuser can actually use
--       (max_connections minus superuser_reserved_connections, and from 16 on minus reserved_connections).
-- Needs: pg_monitor (pg_read_all_stats) so that other roles' sessions show their state.
-- Versions: 13 and later; reserved_connections appeared in 16.
-- Counts client backends only: autovacuum, walsenders and background workers have their own limits.
select s.state,
       coalesce(s.sessions, 0) as sessions,
       current_setting('max_connections')::int as max_connections,
       current_setting('superuser_reserved_connections')::int as superuser_reserved,
       0 as reserved                                                -- before pg16
       current_setting('reserved_connections')::int as reserved    -- from pg16
  from (select 1) one
  left join (select coalesce(state, 'unknown') as state, count(*) as sessions
               from pg_stat_activity
              where backend_type = 'client backend'
                and pid <> pg_backend_pid()
              group by 1) s on true
