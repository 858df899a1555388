-- What: the extensions installed in the connected database and their versions (pg_stat_statements' columns
--       depend on its extension version, not only on the server version).
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select extname, extversion from pg_extension order by extname limit 200
