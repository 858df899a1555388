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
-- Needs: nothing beyond CONNECT (catalogs).
-- Versions: 13 and later; schema publications (pg_publication_namespace) from 15.
with tables as (
  select c.oid, c.relname, c.relnamespace, c.relkind, c.relreplident, c.reltuples, c.relpages, n.nspname
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p')
     and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'
     -- tables an extension owns: one hashed list read through pg_depend's index on the referenced object
     and c.oid not in (select objid from pg_depend
                        where refclassid = 'pg_extension'::regclass and deptype = 'e' and classid = 'pg_class'::regclass)
),
pubs as (
  select p.oid, p.puballtables from pg_publication p where p.pubupdate or p.pubdelete
),
found as (
  select 'no-primary-key' as kind, t.oid as relid, '' as object, t.relreplident::text as detail,
         (exists (select 1 from pubs p where p.puballtables)
          or exists (select 1 from pg_publication_rel r join pubs p on p.oid = r.prpubid where r.prrelid = t.oid)
          or exists (select 1 from pg_publication_namespace s join pubs p on p.oid = s.pnpubid  -- from pg15
                      where s.pnnspid = t.relnamespace)                                        -- from pg15
         ) as published
    from tables t
    join pg_class c on c.oid = t.oid
   where not c.relispartition
     and not exists (select 1 from pg_index x where x.indrelid = t.oid and x.indisprimary)
     and (t.relreplident in ('d', 'n')
          or (t.relreplident = 'i' and not exists (select 1 from pg_index x where x.indrelid = t.oid and x.indisreplident)))
  union all
  select case k.contype when 'f' then 'not-valid-foreign-key' else 'not-valid-check' end, t.oid, k.conname::text,
         case when k.contype = 'f' then k.confrelid::regclass::text else '' end, false
    from pg_constraint k
    join tables t on t.oid = k.conrelid
   where k.contype in ('f', 'c') and not k.convalidated and k.conparentid = 0 and k.conislocal
  union all
  select 'disabled-trigger', t.oid, g.tgname::text, '', false
    from pg_trigger g
    join tables t on t.oid = g.tgrelid
   where g.tgenabled = 'D' and not g.tgisinternal and g.tgparentid = 0
),
ranked as (
  select f.*, t.relname, t.nspname, t.relkind, t.reltuples,
         row_number() over (partition by f.kind order by f.published desc, t.relpages desc, t.nspname, t.relname,
                                                          f.object) as rank,
         count(*) over (partition by f.kind) as kind_total
    from found f
    join tables t on t.oid = f.relid
)
select r.kind, r.nspname as schema, r.relname as table, r.relkind = 'p' as partitioned,
       greatest(r.reltuples, 0)::int8 as rows, r.object, r.detail, r.published,
       quote_ident(r.nspname) || '.' || quote_ident(r.relname) as table_sql, quote_ident(r.object) as object_sql,
       (select count(*) from pubs) as publications, r.kind_total
  from ranked r
 where r.rank <= :limit
 order by r.kind, r.rank
