-- What: the archiver's backlog: how many WAL segments wait in pg_wal/archive_status as .ready files and when the
--       oldest was marked ready; counted on the server (one row, never the file list).
-- Needs: execute on pg_ls_archive_statusdir() (pg_monitor or superuser); the detector checks it first.
-- Versions: 13 and later (the function exists from 12).
select count(*)::int8 as ready,
       min(modification) as oldest_ready
  from pg_ls_archive_statusdir()
 where name like '%.ready'
