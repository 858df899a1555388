-- What: what one endpoint is right now: primary or standby, its current timeline (a primary's from the
--       name of its current WAL file, which changes at promotion at once; a standby's from its WAL receiver
--       or last checkpoint), the cluster's system identifier (its lineage: a standby and a promoted standby
--       share it with their primary, unrelated clusters never do) and which server process answered (its
--       address, port and start time: two databases of one server are one endpoint).
-- Needs: pg_monitor or superuser for pg_control_*() (topology-basic.sql is the fallback without).
-- Versions: 13 and later.
select pg_is_in_recovery() as in_recovery,
       case when pg_is_in_recovery()
            then coalesce((select received_tli from pg_stat_wal_receiver limit 1),
                          (select timeline_id from pg_control_checkpoint()))
            else ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int
       end::int8 as timeline,
       (select system_identifier from pg_control_system())::text as system_id,
       host(inet_server_addr()) as server_addr,
       inet_server_port() as server_port,
       (extract(epoch from pg_postmaster_start_time()) * 1000000)::int8 as started_micros
