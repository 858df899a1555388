-- What: the tables of the connected database with the oldest relfrozenxid (counting their TOAST table),
--       with their own autovacuum_freeze_max_age when a reloption sets one (read for those few only), and
--       how many tables in all have an age of at least :warning_age (over_warning, before :limit cuts).
--       One scan of pg_class reads the ages of the tables and of their TOAST tables, paired by grouping
--       each table with its TOAST table (a self-join scans pg_class twice or materializes it: 100,000 rows
--       spilled at work_mem 4MB); only oids and int4 ages go through the grouping and the ranking (8 MB at
--       50,000 tables, in memory with pg15's default hash_mem_multiplier 2), names and reloptions are read
--       for the rows returned.
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select n.nspname as schema, c.relname as table, o.xid_age::int8 as xid_age, o.mxid_age::int8 as mxid_age,
       (select option_value::int8 from pg_options_to_table(c.reloptions)
         where option_name = 'autovacuum_freeze_max_age') as table_freeze_max_age,
       o.over_warning
  from (select a.*, count(*) filter (where a.xid_age >= :warning_age or a.mxid_age >= :warning_age) over () as over_warning
          from (select max(c.oid) filter (where c.relkind <> 't') as oid,
                       max(age(c.relfrozenxid)) as xid_age, max(mxid_age(c.relminmxid)) as mxid_age
                  from pg_class c
                 where c.relkind in ('r', 'm', 't')
                 -- a table and its TOAST table share the TOAST table's oid; a TOAST table no table points to
                 -- (none should exist) is a group of its own and dropped by the filter below
                 group by case when c.relkind = 't' or c.reltoastrelid = 0 then c.oid else c.reltoastrelid end) a
         where a.oid is not null
         order by a.xid_age desc
         limit :limit) o
  join pg_class c on c.oid = o.oid
  join pg_namespace n on n.oid = c.relnamespace
 order by o.xid_age desc
