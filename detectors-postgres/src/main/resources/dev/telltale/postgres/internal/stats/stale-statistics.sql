-- What: tables of the connected database (partitions and materialized views included) whose rows modified
--       since their last analyze (pg_stat_get_mod_since_analyze) passed their own autoanalyze trigger, the
--       rule autovacuum applies: autovacuum_analyze_threshold + autovacuum_analyze_scale_factor * reltuples
--       (reltuples -1, never vacuumed nor analyzed, counts as 0), each setting from the table's reloptions
--       when it sets one; whether autovacuum analyzes it at all (the autovacuum_enabled reloption and the
--       server's autovacuum); when it was last analyzed by hand and by autovacuum. Only tables past the
--       :min_modified floor are judged; candidates counts those past their trigger before :limit cuts the
--       list. Partitioned parents are not listed: autovacuum never analyzes them (only a manual ANALYZE
--       does), and their own modification counter stays 0 (rows are counted in the partitions). Temporary
--       tables (autovacuum cannot reach them), system schemas and the members of extensions are left out.
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
with t as materialized (
  select c.oid, n.nspname, c.relname, c.relkind, c.reloptions, c.reltuples,
         pg_stat_get_mod_since_analyze(c.oid) as modified
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'm') and c.relpersistence <> 't'
     and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
     and pg_stat_get_mod_since_analyze(c.oid) >= :min_modified
     and not exists (select 1 from pg_depend d
                      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
),
-- each table's reloptions read once: its own analyze threshold, scale factor and autovacuum_enabled, if it sets them
o as (
  select t.*,
         coalesce(r.threshold, current_setting('autovacuum_analyze_threshold')::float8)
           + coalesce(r.scale_factor, current_setting('autovacuum_analyze_scale_factor')::float8)
             * greatest(t.reltuples, 0) as trigger,
         coalesce(r.enabled, true) as autovacuum_enabled
    from t
    left join lateral (
      select (max(option_value) filter (where option_name = 'autovacuum_analyze_threshold'))::float8 as threshold,
             (max(option_value) filter (where option_name = 'autovacuum_analyze_scale_factor'))::float8 as scale_factor,
             (max(option_value) filter (where option_name = 'autovacuum_enabled'))::bool as enabled
        from pg_options_to_table(t.reloptions)
    ) r on true
),
past as (
  select o.*, count(*) over () as candidates from o where o.modified > o.trigger
)
select p.oid::int8 as oid, p.nspname as schema, p.relname as table, p.relkind::text as kind, p.modified,
       greatest(p.reltuples, 0)::float8 as estimated_rows, p.trigger, p.autovacuum_enabled,
       extract(epoch from pg_stat_get_last_analyze_time(p.oid))::float8 as last_analyze,
       extract(epoch from pg_stat_get_last_autoanalyze_time(p.oid))::float8 as last_autoanalyze,
       extract(epoch from now())::float8 as now, p.candidates
  from past p
 order by p.modified desc, p.oid
 limit :limit
