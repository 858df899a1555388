-- What: the size on disk of the connected database, for the watched database only (other databases of the
--       server are not measured: a fleet's targets measure their own). pg_database_size (every file of its
--       directory, what \l+ shows) is exact but stats every file: about 1 s of server time at 250,000
--       relations. It is called when :exact is true or the database has at most :max_relations rows in
--       pg_class; otherwise bytes is null and estimated_bytes, the pages pg_class records for every
--       relation (as of each one's last vacuum, analyze or index build; no lock taken, no file touched),
--       stands in. With :exact (a limit is judged, and a finding names the largest relations "and N more"),
--       tables counts the tables growth-relations ranks (outside the system schemas, not temporary, not
--       extension members); it is null otherwise, which spares a filtered pass over pg_class.
-- Needs: CONNECT on the database (which a connected role has) or pg_read_all_stats.
-- Versions: 13 and later.
with c as (
  -- every row counted (views and partitioned tables too: they are few), so that the scan reads no column past
  -- relpages; an int4 sum is an int8 (an int8 sum is a numeric, far slower over 250,000 rows)
  select count(*) as relations, coalesce(sum(relpages), 0) as pages
    from pg_class
)
select current_database() as database, c.relations,
       c.pages * current_setting('block_size')::int8 as estimated_bytes,
       case when :exact or c.relations <= :max_relations then pg_database_size(current_database()) end as bytes,
       case when :exact then
         (select count(*) from pg_class t
           where t.relkind in ('r', 'm') and t.relpersistence <> 't'
             and t.relnamespace in (select n.oid from pg_namespace n
                                     where n.nspname not in ('pg_catalog', 'information_schema')
                                       and n.nspname !~ '^pg_toast')
             and t.oid not in (select d.objid from pg_depend d
                                where d.refclassid = 'pg_extension'::regclass
                                  and d.refobjid in (select oid from pg_extension)
                                  and d.classid = 'pg_class'::regclass and d.deptype = 'e'))
       end as tables
  from c
