-- What: on a standby, WAL received but not replayed yet and the replay delay. The delay is zero when
--       nothing is pending: on an idle primary the last replayed commit gets old without any lag.
-- Needs: nothing beyond CONNECT (pg_stat_wal_receiver's status needs pg_monitor; null without it).
-- Versions: 13 and later.
select coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::int8 as pending,
       case when pg_last_wal_receive_lsn() is null or pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() then 0
            else coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0) end::float8 as seconds,
       pg_is_wal_replay_paused() as paused,
       coalesce((select status from pg_stat_wal_receiver limit 1), 'stopped') as receiver
