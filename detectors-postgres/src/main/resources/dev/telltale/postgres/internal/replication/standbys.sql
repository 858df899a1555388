-- What: on a primary, every connected standby (walsender): its state, sync state and how far behind it is,
--       in bytes (sent, replayed) and in time (replay_lag, which the walsender measures).
-- Needs: pg_monitor (or superuser) to see the LSN columns of other roles' walsenders.
-- Versions: 13 and later.
select coalesce(nullif(application_name, ''), 'pid ' || pid) as name,
       coalesce(host(client_addr), 'local') as client,
       coalesce(state, 'unknown') as state,
       coalesce(sync_state, 'unknown') as sync,
       coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), sent_lsn), 0)::int8 as sent,
       coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::int8 as replay,
       coalesce(extract(epoch from replay_lag), 0)::float8 as lag
  from pg_stat_replication
 order by 1
 limit 100
