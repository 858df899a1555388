-- What: the tables of the connected database with the oldest relfrozenxid (counting their TOAST table),
--       with their own autovacuum_freeze_max_age when a reloption sets one (read for those few only), and
--       how many tables in all have an age of at least :warning_age (over_warning, before :limit cuts).
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
select o.schema, o.table, o.xid_age, o.mxid_age,
       (select option_value::int8 from pg_options_to_table(o.reloptions)
         where option_name = 'autovacuum_freeze_max_age') as table_freeze_max_age,
       o.over_warning
  from (select a.*, count(*) filter (where a.xid_age >= :warning_age or a.mxid_age >= :warning_age) over () as over_warning
          from (select n.nspname as schema, c.relname as table, c.reloptions,
                       greatest(age(c.relfrozenxid), coalesce(age(t.relfrozenxid), 0))::int8 as xid_age,
                       greatest(mxid_age(c.relminmxid), coalesce(mxid_age(t.relminmxid), 0))::int8 as mxid_age
                  from pg_class c
                  join pg_namespace n on n.oid = c.relnamespace
                  left join pg_class t on t.oid = c.reltoastrelid
                 where c.relkind in ('r', 'm')) a
         order by a.xid_age desc
         limit :limit) o
