-- What: what one endpoint is right now: primary or standby, its current timeline (a primary's from the
--       name of its current WAL file, which changes at promotion at once; a standby's from its WAL receiver
--       or last checkpoint) and the cluster's system identifier.
-- Needs: pg_monitor or superuser for pg_control_*() (topology-basic.sql is the fallback without).
-- Versions: 13 and later.
select pg_is_in_recovery() as in_recovery,
       case when pg_is_in_recovery()
            then coalesce((select received_tli from pg_stat_wal_receiver limit 1),
                          (select timeline_id from pg_control_checkpoint()))
            else ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int
       end::int8 as timeline,
       (select system_identifier from pg_control_system())::text as system_id
