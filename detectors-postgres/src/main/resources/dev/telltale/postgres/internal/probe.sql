-- What: the facts every detector branches on, read once per connection: version, recovery state, role,
--       whether the role sees other sessions in full (superuser or pg_read_all_stats, part of pg_monitor).
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select current_setting('server_version_num')::int as version_num,
       current_setting('server_version') as version,
       pg_is_in_recovery() as in_recovery,
       current_user as role,
       current_database() as database,
       coalesce(r.rolsuper, false) as superuser,
       coalesce(r.rolsuper, false) or pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') as sees_all_sessions,
       pg_backend_pid() as backend_pid
  from (select 1) one
  left join pg_roles r on r.rolname = current_user
