-- What: the largest relations of the connected database (tables, partitions and materialized views, each
--       with its indexes and TOAST), ranked by pages from pg_class (no lock taken; as of the last vacuum,
--       analyze or index build, so a table loaded since ranks by its old pages), and for the :top ranked
--       only the real size, pg_total_relation_size, which opens the relation, its TOAST and its indexes
--       under AccessShareLock: a relation with an AccessExclusiveLock granted or awaited on it, its TOAST
--       or one of its indexes is not opened (bytes is null and the pages estimate stands in), so the read
--       never queues behind DDL. Partitioned parents hold no data of their own (their partitions are
--       listed); system schemas, temporary tables and the members of extensions are left out.
--       Summing every table's indexes and TOAST costs joins over all of pg_class and pg_index (half a
--       second at 50,000 tables), so only candidates are summed: the owners of the :candidates largest
--       relations of any kind (heaps, TOAST tables, indexes). A table reaches the top without being a
--       candidate only when each of its parts is smaller than the :candidates largest parts of the database.
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
with members as (
  -- relations an extension created, found from the extensions' side of pg_depend (its reference index)
  select d.objid from pg_depend d
   where d.refclassid = 'pg_extension'::regclass and d.refobjid in (select oid from pg_extension)
     and d.classid = 'pg_class'::regclass and d.deptype = 'e'
),
namespaces as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
),
candidates as (
  -- the owners of the largest relations of any kind, from one bounded top-N scan of pg_class: a TOAST table's owner
  -- from its pg_depend entry, an index's table from pg_index, both by index lookup (owners in system schemas,
  -- sequences and the like drop out below)
  select case c.relkind when 't' then (select d.refobjid from pg_depend d
                                        where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.objsubid = 0
                                          and d.refclassid = 'pg_class'::regclass and d.deptype = 'i')
                        -- a TOAST table's index stands for the TOAST table's owner
                        when 'i' then (select coalesce((select d.refobjid from pg_depend d
                                                         where d.classid = 'pg_class'::regclass and d.objid = x.indrelid
                                                           and d.objsubid = 0 and d.refclassid = 'pg_class'::regclass
                                                           and d.deptype = 'i'), x.indrelid)
                                         from pg_index x where x.indexrelid = c.oid)
                        else c.oid end as oid
    -- ranked on the namespace, oid and pages alone, so that the scan reads no column past relpages (the kind
    -- is further on); the system schemas' own relations left out, their TOAST tables drop out below
    from (select c.oid from pg_class c
           where c.relnamespace not in (select n.oid from pg_namespace n
                                         where n.nspname in ('pg_catalog', 'information_schema'))
           order by c.relpages desc, c.oid limit :candidates) l
    join pg_class c on c.oid = l.oid
),
rel as (
  select c.oid, c.reltoastrelid,
         (c.relpages::int8
          + coalesce((select t.relpages::int8 from pg_class t where t.oid = c.reltoastrelid), 0)
          + coalesce((select sum(i.relpages::int8) from pg_index x join pg_class i on i.oid = x.indexrelid
                       where x.indrelid = c.oid), 0)) * current_setting('block_size')::int8 as estimated_bytes
    from (select distinct oid from candidates) k
    join pg_class c on c.oid = k.oid
   where c.relkind in ('r', 'm') and c.relpersistence <> 't' and c.relnamespace in (select oid from namespaces)
     and c.oid not in (select objid from members)
),
top as materialized (
  select r.oid, n.nspname, c.relname, c.relkind, c.reltoastrelid, r.estimated_bytes
    from (select * from rel order by estimated_bytes desc, oid limit :top) r
    join pg_class c on c.oid = r.oid
    join pg_namespace n on n.oid = c.relnamespace
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
       s.estimated_bytes
  from sized s
 order by coalesce(s.bytes, s.estimated_bytes) desc, s.oid
