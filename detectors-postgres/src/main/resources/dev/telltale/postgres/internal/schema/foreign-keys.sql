-- What: foreign keys of the connected database worth reporting, from the catalogs only (no lock is taken
--       on any table, no size function is called):
--       unindexed: no valid, non-partial B-tree index on the child whose leading key columns are the
--         foreign key's columns, in any order (the check a delete or key update on the parent runs is an
--         equality on all of them); an expression among those leading columns does not count, INCLUDE
--         columns do not count;
--       duplicate: another foreign key of the same child maps the same child columns to the same parent
--         columns (in any order of the pairs); of such a group the validated, else the oldest one is kept.
--       A foreign key a partition inherits from its partitioned parent (conparentid <> 0) is judged once on
--       the parent, where a partitioned index covers every partition. Tables an extension owns and the
--       system schemas are skipped. Per row: the parent's deletes and updates (pg_stat counters since the
--       statistics reset; a partitioned parent counts its direct partitions) and how many sessions wait on
--       a lock on the child now. At most :limit per kind, the most written parent first, each row with the
--       number of its kind in all (kind_total). :children, when not empty, restricts the foreign keys to
--       those child tables (postgres.lock-waits asks about the relations its waiters queue on).
-- Needs: nothing beyond CONNECT (catalogs, pg_stat counters, pg_locks).
-- Versions: 13 and later.
with schemas as (
  select oid from pg_namespace
   where nspname not in ('pg_catalog', 'information_schema') and nspname !~ '^pg_(toast|temp_)'
),
fks as (
  select k.oid as conoid, k.conname, k.conrelid, k.confrelid, k.conkey, k.confkey, k.convalidated,
         cardinality(k.conkey) as ncols,
         count(*) over (partition by k.conrelid, k.confrelid) as same_tables
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
   where k.contype = 'f' and k.conparentid = 0
     and c.relnamespace in (select oid from schemas)
     and (cardinality(cast(:children as int8[])) = 0 or k.conrelid::int8 = any(cast(:children as int8[])))
     -- tables an extension owns: one hashed list read through pg_depend's index on the referenced object
     and k.conrelid not in (select objid from pg_depend
                             where refclassid = 'pg_extension'::regclass and deptype = 'e'
                               and classid = 'pg_class'::regclass)
),
keyed as (
  -- foreign keys grouped by what they check (child, parent, column pairs in any order): the first of a
  -- group is the one kept, the validated one else the oldest; the pairs are sorted only where two foreign
  -- keys join the same two tables
  select f.*, first_value(f.conoid) over w as kept, row_number() over w as nth
    from (select f.*, case when f.same_tables > 1
                           then (select string_agg(p.c || '>' || p.r, ',' order by p.c)
                                   from unnest(f.conkey, f.confkey) p(c, r))
                           else f.conoid::text end as pairs
            from fks f) f
  window w as (partition by f.conrelid, f.confrelid, f.pairs order by f.convalidated desc, f.conoid)
),
found as (
  -- a duplicate is reported as a duplicate only: the index its kept twin needs serves both
  select 'unindexed' as kind, f.conoid, f.conrelid, f.confrelid, f.conkey, null::oid as other
    from keyed f
   where f.nth = 1
     and not exists (
           -- the first ncols key columns hold exactly the foreign key's (distinct) columns, in any order
           select 1
             from pg_index x
             join pg_class i on i.oid = x.indexrelid
            where x.indrelid = f.conrelid and x.indisvalid and x.indpred is null
              and i.relam = (select oid from pg_am where amname = 'btree')
              and x.indnkeyatts >= f.ncols
              and (x.indkey::int2[])[0:(f.ncols - 1)] @> f.conkey)
  union all
  select 'duplicate', d.conoid, d.conrelid, d.confrelid, d.conkey, d.kept
    from keyed d
   where d.nth > 1
),
writes as (
  -- the parent's own counters plus those of its direct partitions (a partitioned table has none of its own)
  select p.relid,
         sum(pg_stat_get_tuples_deleted(p.part))::int8 as deletes,
         sum(pg_stat_get_tuples_updated(p.part))::int8 as updates
    from (select distinct confrelid as relid, confrelid as part from found
          union all
          select distinct f.confrelid, h.inhrelid from found f join pg_inherits h on h.inhparent = f.confrelid) p
   group by p.relid
),
waits as (
  -- sessions waiting on a lock of the child: on the relation itself, or on a row of it (a waiter holds the
  -- row's tuple lock while it waits on the transaction that locked the row)
  select l.relation, count(distinct l.pid) as waiters
    from pg_locks l
   where l.database = (select oid from pg_database where datname = current_database())
     and l.locktype in ('relation', 'tuple', 'page') and l.relation in (select conrelid from found)
     and (not l.granted or (l.locktype = 'tuple' and l.pid in (select pid from pg_locks where not granted)))
   group by l.relation
),
ranked as (
  select f.*, coalesce(w.deletes, 0) as deletes, coalesce(w.updates, 0) as updates,
         coalesce(l.waiters, 0) as waiters,
         row_number() over (partition by f.kind order by coalesce(l.waiters, 0) desc,
                            coalesce(w.deletes, 0) + coalesce(w.updates, 0) desc, f.conoid) as rank,
         count(*) over (partition by f.kind) as kind_total
    from found f
    left join writes w on w.relid = f.confrelid
    left join waits l on l.relation = f.conrelid
)
-- names are looked up for the rows returned only; the *_sql columns are quoted for the hints' DDL
select r.kind, r.conrelid::int8 as child_oid, cn.nspname as child_schema, c.relname as child_table,
       c.relkind = 'p' as child_partitioned, greatest(c.reltuples, 0)::int8 as child_rows,
       k.conname as constraint_name, r.confrelid::int8 as parent_oid, pn.nspname as parent_schema,
       p.relname as parent_table, cc.names as columns,
       (select array_agg(a.attname::text order by o.n)
          from unnest(k.confkey) with ordinality o(att, n)
          join pg_attribute a on a.attrelid = r.confrelid and a.attnum = o.att) as parent_columns,
       coalesce(o.conname, '') as duplicate_of,
       r.deletes, r.updates, r.waiters,
       quote_ident(cn.nspname) || '.' || quote_ident(c.relname) as child_sql,
       quote_ident(k.conname) as constraint_sql,
       (select string_agg(quote_ident(x), ', ' order by n) from unnest(cc.names) with ordinality u(x, n)) as columns_sql,
       -- a name for the index the hint creates that no relation of the child's schema has yet
       (select quote_ident(s.name)
          from generate_series(0, 9) g
          cross join lateral (select left(c.relname || '_' || array_to_string(cc.names, '_'), 55)
                                     || case when g = 0 then '' else '_' || g end || '_idx' as name) s
         where not exists (select 1 from pg_class x where x.relnamespace = c.relnamespace and x.relname = s.name)
         order by g limit 1) as index_sql,
       r.kind_total
  from ranked r
  join pg_constraint k on k.oid = r.conoid
  join pg_class c on c.oid = r.conrelid
  join pg_namespace cn on cn.oid = c.relnamespace
  join pg_class p on p.oid = r.confrelid
  join pg_namespace pn on pn.oid = p.relnamespace
  cross join lateral (select array_agg(a.attname::text order by o.n) as names
                        from unnest(r.conkey) with ordinality o(att, n)
                        join pg_attribute a on a.attrelid = r.conrelid and a.attnum = o.att) cc
  left join pg_constraint o on o.oid = r.other
 where r.rank <= :limit
 order by r.kind, r.rank
