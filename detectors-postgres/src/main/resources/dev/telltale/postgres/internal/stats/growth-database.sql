-- What: the size on disk of the connected database, for the watched database only (other databases of the
--       server are not measured: a fleet's targets measure their own), and how many tables growth-relations
--       ranks (tables and materialized views outside the system schemas, not temporary, not extension
--       members). pg_database_size (every file of its directory, what \l+ shows) is exact but stats every
--       file: about 1 s of server time at 250,000 relations. It is called when :exact is true or the
--       database has at most :max_relations relations with storage; otherwise bytes is null and
--       estimated_bytes, the pages pg_class records for every relation (as of each one's last vacuum,
--       analyze or index build; no lock taken, no file touched), stands in. One scan of pg_class.
-- Needs: CONNECT on the database (which a connected role has) or pg_read_all_stats.
-- Versions: 13 and later.
with members as (
  -- relations an extension created, found from the extensions' side of pg_depend (its reference index)
  select d.objid from pg_depend d
   where d.refclassid = 'pg_extension'::regclass and d.refobjid in (select oid from pg_extension)
     and d.classid = 'pg_class'::regclass and d.deptype = 'e'
),
c as (
  select count(*) filter (where c.relkind not in ('v', 'c', 'f', 'p', 'I')) as relations,
         count(*) filter (where c.relkind in ('r', 'm') and c.relpersistence <> 't'
                            and c.relnamespace in (select n.oid from pg_namespace n
                                                    where n.nspname not in ('pg_catalog', 'information_schema')
                                                      and n.nspname !~ '^pg_toast')
                            and c.oid not in (select objid from members)) as tables,
         coalesce(sum(c.relpages::int8), 0) as pages
    from pg_class c
)
select current_database() as database, c.relations, c.tables,
       c.pages * current_setting('block_size')::int8 as estimated_bytes,
       case when :exact or c.relations <= :max_relations then pg_database_size(current_database()) end as bytes
  from c
