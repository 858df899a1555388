-- What: the oid of a database by name (the statements filter).
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select oid::int8 as oid from pg_database where datname = :name
