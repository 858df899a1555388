-- What: transaction-id and multixact age of every database (the oldest unfrozen row decides when the
--       server must stop accepting writes at 2^31), with the freeze settings they are judged against.
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select datname,
       age(datfrozenxid)::int8 as xid_age,
       mxid_age(datminmxid)::int8 as mxid_age,
       current_setting('autovacuum_freeze_max_age')::int8 as freeze_max_age,
       current_setting('autovacuum_multixact_freeze_max_age')::int8 as mxid_freeze_max_age
  from pg_database
 where datallowconn or age(datfrozenxid) > 0
 order by age(datfrozenxid) desc
 limit 200
