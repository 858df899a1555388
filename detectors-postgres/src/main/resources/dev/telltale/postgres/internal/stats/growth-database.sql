-- What: the size on disk of the connected database (pg_database_size: every file of its directory, what
--       \l+ shows), for the watched database only: other databases of the server are not measured (each
--       call walks a database's directory, so a fleet's targets measure their own).
-- Needs: CONNECT on the database (which a connected role has) or pg_read_all_stats.
-- Versions: 13 and later.
select current_database() as database, pg_database_size(current_database()) as bytes
