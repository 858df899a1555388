-- What: the WAL archiver: whether archiving is configured (archive_mode, wal_level, which archiver: a command or a
--       library, never the command's text), pg_stat_archiver's last success and last failure with the failure count,
--       and whether this role may list pg_wal/archive_status (pg_ls_archive_statusdir(), granted to pg_monitor).
-- Needs: nothing beyond CONNECT (settings a role cannot see read as null); the backlog needs pg_monitor or superuser.
-- Versions: 13 and later (archive_library from 15: null before).
select current_setting('archive_mode') as archive_mode,
       current_setting('wal_level') as wal_level,
       (select setting <> '' from pg_settings where name = 'archive_command') as has_command,
       (select nullif(setting, '') from pg_settings where name = 'archive_library') as archive_library,
       pg_is_in_recovery() as in_recovery,
       a.archived_count,
       a.last_archived_wal,
       a.last_archived_time,
       a.failed_count,
       a.last_failed_wal,
       a.last_failed_time,
       coalesce(a.stats_reset, pg_postmaster_start_time()) as counted_since,
       now() as now,
       pg_size_bytes(current_setting('wal_segment_size')) as segment_bytes,
       has_function_privilege('pg_ls_archive_statusdir()', 'execute') as can_list
  from pg_stat_archiver a
