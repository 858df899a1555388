-- What: the tables of the connected database with the oldest relfrozenxid (counting their TOAST table),
--       with their own autovacuum_freeze_max_age when a reloption sets one (read for those few only), and
--       how many tables in all have an age of at least :warning_age (over_warning, before :limit cuts).
--       One scan of pg_class reads the ages of the tables and of their TOAST tables (joined by hash, not
--       one index probe per table); only oids and ages go through the ranking, names and reloptions are
--       read for the rows returned.
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
with r as (
  select c.oid, c.relkind, c.reltoastrelid, age(c.relfrozenxid)::int8 as x, mxid_age(c.relminmxid)::int8 as m
    from pg_class c where c.relkind in ('r', 'm', 't')
)
select n.nspname as schema, c.relname as table, o.xid_age, o.mxid_age,
       (select option_value::int8 from pg_options_to_table(c.reloptions)
         where option_name = 'autovacuum_freeze_max_age') as table_freeze_max_age,
       o.over_warning
  from (select a.*, count(*) filter (where a.xid_age >= :warning_age or a.mxid_age >= :warning_age) over () as over_warning
          from (select o.oid, greatest(o.x, coalesce(t.x, 0)) as xid_age, greatest(o.m, coalesce(t.m, 0)) as mxid_age
                  from r o left join r t on t.oid = o.reltoastrelid and t.relkind = 't'
                 where o.relkind in ('r', 'm')) a
         order by a.xid_age desc
         limit :limit) o
  join pg_class c on c.oid = o.oid
  join pg_namespace n on n.oid = c.relnamespace
 order by o.xid_age desc
