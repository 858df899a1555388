-- What: primary or standby, on a primary its timeline, and which server process answered, for roles that
--       may not read pg_control_*() (so without the system identifier: the lineage stays unknown).
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select pg_is_in_recovery() as in_recovery,
       case when pg_is_in_recovery() then null
            else ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int
       end::int8 as timeline,
       null::text as system_id,
       host(inet_server_addr()) as server_addr,
       inet_server_port() as server_port,
       (extract(epoch from pg_postmaster_start_time()) * 1000000)::int8 as started_micros
