-- What: tables of the connected database with more than :max indexes, and their cumulative row
--       writes (every insert, non-HOT update and delete has to touch each index); tables counts them all
--       before :limit cuts the list.
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select n.nspname as schema, c.relname as table, c.oid::int8 as oid,
       (select count(*) from pg_index x where x.indrelid = c.oid)::int8 as indexes,
       coalesce(s.n_tup_ins + s.n_tup_upd + s.n_tup_del, 0)::int8 as writes,
       coalesce(s.n_tup_hot_upd, 0)::int8 as hot_updates,
       count(*) over () as tables
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_stat_user_tables s on s.relid = c.oid
 where c.relkind in ('r', 'm')
   and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
   and (select count(*) from pg_index x where x.indrelid = c.oid) > :max
 order by 4 desc
 limit :limit
