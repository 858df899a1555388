-- What: which server this connection reached, so that the targets of one fleet on the same server share their reads
--       of server-wide views: the cluster's system identifier, the address and port the server answered on, and
--       when it started (a restart begins new statistics). Read once per connection, in a fleet only.
-- Needs: nothing beyond CONNECT; where pg_control_system() was revoked the identifier reads 0 and the address,
--        port and start time still tell servers apart.
-- Versions: 13 and later.
select case when has_function_privilege('pg_control_system()', 'execute')
            then (select c.system_identifier from pg_control_system() c)::text
            else '0' end as system_identifier,
       coalesce(host(inet_server_addr()), 'local') as host,
       current_setting('port')::int as port,
       pg_postmaster_start_time()::text as started
