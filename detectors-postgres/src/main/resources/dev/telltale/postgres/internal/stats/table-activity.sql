-- What: cumulative read and write counters of the tables of the connected database, with its size in
--       pages (pg_class.relpages: no lock taken, no size function called) and, for a partition, its
--       partitioned parent. The detector diffs them between runs. Reads the pg_stat_get_* functions
--       directly: the pg_stat_user_tables view computes twenty more columns per table.
--       Only tables that ever had a row read or written are returned: a table scanned without returning
--       a row has nothing to diff, and one left out counts from zero when it comes back, the same delta.
--       Scan counts are not read (only rows count), which spares a lookup per table and per index.
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select * from (
select c.oid::int8 as relid, n.nspname as schema, c.relname as table,
       pg_stat_get_tuples_returned(c.oid)::int8 as seq_tup_read,
       (coalesce(ix.fetched, 0) + pg_stat_get_tuples_fetched(c.oid))::int8 as idx_tup_fetch,
       (pg_stat_get_tuples_inserted(c.oid) + u.updates + pg_stat_get_tuples_deleted(c.oid))::int8 as writes,
       u.updates,
       pg_stat_get_tuples_hot_updated(c.oid)::int8 as hot_updates,
       c.relpages::int8 * current_setting('block_size')::int8 as bytes,
       coalesce(pn.nspname || '.' || p.relname, '') as parent,
       coalesce(sib.partitions, 0)::int8 as siblings
  from pg_class c
  -- read once, used twice
  cross join lateral (select pg_stat_get_tuples_updated(c.oid)::int8 as updates) u
  join pg_namespace n on n.oid = c.relnamespace
  left join (select indrelid, sum(pg_stat_get_tuples_fetched(indexrelid)) as fetched
               from pg_index group by indrelid) ix on ix.indrelid = c.oid
  left join pg_inherits i on i.inhrelid = c.oid and c.relispartition
  left join pg_class p on p.oid = i.inhparent and p.relkind = 'p'
  left join pg_namespace pn on pn.oid = p.relnamespace
  -- one grouped pass over pg_inherits: a per-partition subquery grows with partitions x partitions per parent
  left join (select inhparent, count(*) as partitions from pg_inherits group by inhparent) sib on sib.inhparent = p.oid
 where c.relkind in ('r', 'm')
   and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
) a
 where a.seq_tup_read + a.idx_tup_fetch + a.writes > 0
 limit :cap
