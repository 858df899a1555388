-- What: schema objects of the connected database that quietly break something, from the catalogs only
--       (no lock is taken on any table):
--       no-primary-key: ordinary and partitioned tables (not partitions: they are judged with their
--         parent) with no primary key and no usable replica identity: REPLICA IDENTITY DEFAULT or NOTHING
--         without a primary key, or USING INDEX whose index is gone; FULL and USING INDEX count as usable.
--         published says a publication that replicates updates or deletes covers the table (FOR ALL
--         TABLES, the table itself, or from pg15 its schema); publications says how many such publications
--         the database has;
--       not-valid-foreign-key, not-valid-check: constraints added NOT VALID and never validated (rows
--         written before the constraint were never checked); a constraint a partition inherits is judged
--         on its parent;
--       disabled-trigger: user triggers disabled with ALTER TABLE ... DISABLE TRIGGER (tgenabled 'D'),
--         not internal ones, not clones a partition inherits.
--       Tables an extension owns and the system schemas are skipped. At most :limit per kind, the largest
--       table first, each row with the number of its kind in all (kind_total).
--       pg_class is scanned once, for the tables without a primary key; the constraints and triggers are
--       found first and their tables looked up by oid. No list of all tables is kept (50,000 names
--       spill at work_mem 4MB).
-- Needs: nothing beyond CONNECT (catalogs).
-- Versions: 13 and later; schema publications (pg_publication_namespace) from 15.
with ext as (
  -- tables an extension owns: a short list read through pg_depend's index on the referenced object
  select d.objid from pg_depend d
   where d.refclassid = 'pg_extension'::regclass and d.refobjid in (select oid from pg_extension)
     and d.classid = 'pg_class'::regclass and d.deptype = 'e'
),
pubs as (
  select p.oid, p.puballtables from pg_publication p where p.pubupdate or p.pubdelete
),
found as (
  select 'no-primary-key' as kind, c.oid as relid, '' as object, c.relreplident::text as detail,
         (exists (select 1 from pubs p where p.puballtables)
          or exists (select 1 from pg_publication_rel r join pubs p on p.oid = r.prpubid where r.prrelid = c.oid)
          or exists (select 1 from pg_publication_namespace s join pubs p on p.oid = s.pnpubid  -- from pg15
                      where s.pnnspid = c.relnamespace)                                        -- from pg15
         ) as published,
         c.relname, c.nspname, c.relkind, c.reltuples, c.relpages
    from (select c.oid, c.relname, c.relnamespace, n.nspname, c.relkind, c.reltuples, c.relpages, c.relreplident
            from pg_class c
            join pg_namespace n on n.oid = c.relnamespace
           where c.relkind in ('r', 'p')
             and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'
             and not c.relispartition and not exists (select 1 from ext e where e.objid = c.oid)
             -- FULL is usable; DEFAULT and NOTHING need a primary key, USING INDEX a primary key or its index.
             -- A primary key is always a constraint: pg_constraint is a third of pg_index's size, hashed for
             -- one anti-join instead of one probe per table
             and c.relreplident <> 'f'
             and not exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'p')
          -- kept apart, so that the rare USING INDEX probe below does not make the planner walk pg_class by index
          offset 0) c
   where c.relreplident <> 'i' or not exists (select 1 from pg_index x where x.indrelid = c.oid and x.indisreplident)
  union all
  select case k.contype when 'f' then 'not-valid-foreign-key' else 'not-valid-check' end, c.oid, k.conname::text,
         case when k.contype = 'f' then k.confrelid::regclass::text else '' end, false,
         c.relname, n.nspname, c.relkind, c.reltuples, c.relpages
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
   where k.contype in ('f', 'c') and not k.convalidated and k.conparentid = 0 and k.conislocal
     and c.relkind in ('r', 'p')
     and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'
     and not exists (select 1 from ext e where e.objid = c.oid)
  union all
  select 'disabled-trigger', c.oid, g.tgname::text, '', false,
         c.relname, n.nspname, c.relkind, c.reltuples, c.relpages
    from pg_trigger g
    join pg_class c on c.oid = g.tgrelid
    join pg_namespace n on n.oid = c.relnamespace
   where g.tgenabled = 'D' and not g.tgisinternal and g.tgparentid = 0
     and c.relkind in ('r', 'p')
     and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'
     and not exists (select 1 from ext e where e.objid = c.oid)
),
ranked as (
  select f.*,
         row_number() over (partition by f.kind order by f.published desc, f.relpages desc, f.nspname, f.relname,
                                                          f.object) as rank,
         count(*) over (partition by f.kind) as kind_total
    from found f
)
select r.kind, r.nspname as schema, r.relname as table, r.relkind = 'p' as partitioned,
       greatest(r.reltuples, 0)::int8 as rows, r.object, r.detail, r.published,
       quote_ident(r.nspname) || '.' || quote_ident(r.relname) as table_sql, quote_ident(r.object) as object_sql,
       (select count(*) from pubs) as publications, r.kind_total
  from ranked r
 where r.rank <= :limit
 order by r.kind, r.rank
