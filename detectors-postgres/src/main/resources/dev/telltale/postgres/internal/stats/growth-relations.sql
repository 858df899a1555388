-- What: the largest relations of the connected database (tables, partitions and materialized views, each
--       with its indexes and TOAST), ranked by pages from pg_class (no lock taken; as of the last vacuum,
--       analyze or index build, so a table loaded since ranks by its old pages), and for the :top ranked
--       only the real size, pg_total_relation_size, which opens the relation, its TOAST and its indexes
--       under AccessShareLock: a relation with an AccessExclusiveLock granted or awaited on it, its TOAST
--       or one of its indexes is not opened (bytes is null and the pages estimate stands in), so the read
--       never queues behind DDL. Partitioned parents hold no data of their own (their partitions are
--       listed); system schemas, temporary tables and the members of extensions are left out.
--       relations counts the relations ranked.
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
with idx as (
  select x.indrelid, sum(i.relpages)::int8 as pages
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
   group by x.indrelid
),
rel as (
  select c.oid, n.nspname, c.relname, c.relkind, c.reltoastrelid,
         (c.relpages::int8 + coalesce(t.relpages, 0)::int8 + coalesce(idx.pages, 0))
           * current_setting('block_size')::int8 as estimated_bytes
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_class t on t.oid = c.reltoastrelid
    left join idx on idx.indrelid = c.oid
   where c.relkind in ('r', 'm') and c.relpersistence <> 't'
     and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
     and not exists (select 1 from pg_depend d
                      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
),
top as materialized (
  select * from rel order by estimated_bytes desc, oid limit :top
),
locked as (
  select l.relation from pg_locks l
   where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
     and l.database = (select oid from pg_database where datname = current_database())
),
measured as (
  select top.*,
         exists (select 1 from locked
                  where locked.relation = top.oid or locked.relation = top.reltoastrelid
                     or locked.relation in (select x.indexrelid from pg_index x where x.indrelid = top.oid)) as busy
    from top
),
sized as (
  select m.*, case when not m.busy then pg_total_relation_size(m.oid) end as bytes from measured m
)
select s.oid::int8 as oid, s.nspname as schema, s.relname as relation, s.relkind::text as kind, s.bytes,
       s.estimated_bytes, (select count(*) from rel) as relations
  from sized s
 order by coalesce(s.bytes, s.estimated_bytes) desc, s.oid
