-- What: transactions prepared for two-phase commit and not yet committed or rolled back, oldest first.
--       They survive restarts and hold their locks and the xmin horizon until someone resolves them.
-- Needs: nothing (pg_prepared_xacts is readable by every role).
-- Versions: 13 and later.
select gid, owner, database,
       prepared,
       extract(epoch from now() - prepared)::float8 as age_seconds,
       age(transaction)::bigint as xid_age
  from pg_prepared_xacts
 order by prepared
 limit :limit
