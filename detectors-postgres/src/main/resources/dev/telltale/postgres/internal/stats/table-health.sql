-- What: per table of the connected database: dead tuples against the table's own autovacuum trigger
--       (threshold + scale_factor * reltuples, honouring per-table reloptions), when it was last
--       (auto)vacuumed and analyzed, and an estimated bloat: its pages against the pages its live rows
--       need (row width from pg_stats, tuple header, item pointer, fillfactor). The estimate needs
--       ANALYZE and only covers columns the role may read (pg_stats hides the others); it is computed
--       only for tables big enough to waste :note_bloat bytes (a fraction of the :min_bloat floor: tables
--       under the floor but at least :bloat_ratio wasted are flagged bloat_under_floor and counted in
--       under_floor, so the floor can say what it withheld; such a table may come back without being a
--       candidate). candidates counts the tables past a floor
--       before :limit cuts the list. Counters come from the pg_stat_get_*
--       functions (the pg_stat_user_tables view computes many more columns per table). The real sizes
--       (table_bytes, total_bytes) are read only for the rows returned, and only when nobody holds an
--       AccessExclusiveLock on the table (table_bytes falls back to relpages then).
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
with locked as (
  select relation from pg_locks
   where locktype = 'relation' and mode = 'AccessExclusiveLock' and granted
     and database = (select oid from pg_database where datname = current_database())
),
t as (
  select c.oid as relid, n.nspname as schemaname, c.relname, c.reloptions, c.reltuples, c.relpages,
         pg_stat_get_live_tuples(c.oid) as n_live_tup,
         pg_stat_get_dead_tuples(c.oid) as n_dead_tup,
         greatest(pg_stat_get_last_vacuum_time(c.oid), pg_stat_get_last_autovacuum_time(c.oid)) as last_vacuum,
         greatest(pg_stat_get_last_analyze_time(c.oid), pg_stat_get_last_autoanalyze_time(c.oid)) as last_analyze,
         current_setting('block_size')::float8 as bs
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
   where c.relkind = 'r'
     and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
),
-- materialized: the few tables past the first filter are kept, so that the steps below do not repeat
-- its expressions (planning took 20 ms at 25,000 tables that way, 2 ms materialized)
o as materialized (
  select t.*,
         coalesce((select option_value from pg_options_to_table(t.reloptions) where option_name = 'autovacuum_vacuum_threshold')::float8,
                  current_setting('autovacuum_vacuum_threshold')::float8)
           + coalesce((select option_value from pg_options_to_table(t.reloptions) where option_name = 'autovacuum_vacuum_scale_factor')::float8,
                      current_setting('autovacuum_vacuum_scale_factor')::float8) * greatest(t.reltuples, 0) as trigger,
         coalesce((select option_value from pg_options_to_table(t.reloptions) where option_name = 'autovacuum_enabled')::bool, true)
           and current_setting('autovacuum') = 'on' as autovacuum_on,
         coalesce((select option_value from pg_options_to_table(t.reloptions) where option_name = 'fillfactor')::float8, 100) as ff,
         case when t.relpages >= :min_pages and t.relpages * t.bs >= :note_bloat and t.reltuples >= 0 then
           (select sum((1 - st.null_frac) * st.avg_width) from pg_stats st
             where st.schemaname = t.schemaname and st.tablename = t.relname) end as row_width
    from t
   where t.n_dead_tup > 0 or (t.relpages >= :min_pages and t.relpages * t.bs >= :note_bloat)
),
est as (
  select o.*,
         case when o.row_width is not null then
           greatest(0, o.relpages - ceil(o.reltuples * (24 + 4 + o.row_width) / ((o.bs - 24) * o.ff / 100)))::float8 * o.bs
         end as bloat_bytes
    from o
),
judged as (
  select est.*,
         est.n_dead_tup > least(est.trigger, :min_dead) or coalesce(est.bloat_bytes, 0) >= :min_bloat as candidate,
         coalesce(est.bloat_bytes >= :note_bloat and est.bloat_bytes < :min_bloat
                  and est.bloat_bytes >= :bloat_ratio * est.relpages * est.bs, false) as bloat_under_floor
    from est
)
select e.schemaname as schema, e.relname as table, e.n_live_tup, e.n_dead_tup, e.trigger, e.autovacuum_on,
       extract(epoch from now() - e.last_vacuum)::float8 as vacuum_age_seconds,
       extract(epoch from now() - e.last_analyze)::float8 as analyze_age_seconds,
       -- the main fork's real size (relpages is 0 until the first vacuum/analyze); the estimate when locked
       case when l.relation is null then pg_relation_size(e.relid) else e.relpages::int8 * e.bs::int8 end as table_bytes,
       e.bloat_bytes,
       case when l.relation is null then pg_total_relation_size(e.relid) end as total_bytes,
       e.candidate, e.bloat_under_floor, e.candidates, e.under_floor
  from (select judged.*,
               count(*) filter (where judged.candidate) over () as candidates,
               count(*) filter (where judged.bloat_under_floor) over () as under_floor
          from judged
         where judged.candidate or judged.bloat_under_floor
         order by judged.candidate desc,
                  greatest(judged.n_dead_tup * (judged.bs / 100), coalesce(judged.bloat_bytes, 0)) desc
         limit :limit) e
  left join locked l on l.relation = e.relid
 order by e.candidate desc, greatest(e.n_dead_tup * (e.bs / 100), coalesce(e.bloat_bytes, 0)) desc
