-- What: the wasted space of one B-tree index measured by pgstattuple's pgstatindex: its size less the pages
--       its live leaf tuples would fill at the index's fillfactor (90 by default), its internal pages and the
--       metapage. pgstatindex reads every page of the index (AccessShareLock on it), so it runs only for the
--       few largest estimated candidates, each under its own short statement timeout, and never on an index
--       or table somebody holds or waits for an AccessExclusiveLock on (no row then).
-- Needs: the pgstattuple extension in the connected database; superuser or pg_stat_scan_tables.
-- Versions: 13 and later (pgstattuple 1.5).
select s.index_size::int8 as index_bytes,
       greatest(0, s.index_size - current_setting('block_size')::float8
         * (1 + s.internal_pages + ceil(s.leaf_pages * s.avg_leaf_density / 100
             / (coalesce(substring(array_to_string(i.reloptions, ',') from 'fillfactor=([0-9]+)')::float8, 90) / 100))))
         as wasted_bytes,
       s.avg_leaf_density::float8 as leaf_density
  from pg_class i
  join pg_index x on x.indexrelid = i.oid
  cross join lateral pgstatindex(i.oid::regclass) s
 where i.oid = cast(:oid as oid)
   and not exists (select 1 from pg_locks l
                    where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
                      and l.database = (select oid from pg_database where datname = current_database())
                      and l.relation in (x.indexrelid, x.indrelid))
   and s.leaf_pages > 0
