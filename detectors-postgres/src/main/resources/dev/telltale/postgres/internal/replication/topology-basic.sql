-- What: primary or standby and, on a primary, its timeline, for roles that may not read pg_control_*().
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select pg_is_in_recovery() as in_recovery,
       case when pg_is_in_recovery() then null
            else ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int
       end::int8 as timeline,
       null::text as system_id
