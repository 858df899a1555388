-- What: tables of the connected database with more than :max indexes, and their cumulative row
--       writes (every insert, non-HOT update and delete has to touch each index); tables counts them all
--       before :limit cuts the list. pg_index is counted once, grouped by table, and the counters are read
--       with the pg_stat_get_* functions for the tables past :max only (the pg_stat_user_tables view
--       computes every column of every table, and a count per table is one index probe each).
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select n.nspname as schema, c.relname as table, c.oid::int8 as oid,
       x.indexes,
       (pg_stat_get_tuples_inserted(c.oid) + pg_stat_get_tuples_updated(c.oid)
          + pg_stat_get_tuples_deleted(c.oid))::int8 as writes,
       pg_stat_get_tuples_hot_updated(c.oid)::int8 as hot_updates,
       count(*) over () as tables
  from (select indrelid, count(*)::int8 as indexes from pg_index group by indrelid having count(*) > :max) x
  join pg_class c on c.oid = x.indrelid
  join pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'm')
   and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
 order by 4 desc
 limit :limit
