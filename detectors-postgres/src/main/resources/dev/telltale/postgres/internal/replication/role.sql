-- What: whether the server is a standby right now (the connection probe may be older than a promotion).
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select pg_is_in_recovery() as in_recovery
