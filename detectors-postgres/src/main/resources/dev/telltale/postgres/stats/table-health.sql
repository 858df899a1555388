-- What: per table of the connected database: dead tuples against the table's own autovacuum trigger
--       (threshold + scale_factor * reltuples, honouring per-table reloptions), when it was last
--       (auto)vacuumed and analyzed, and an estimated bloat: its pages against the pages its live rows
--       need (row width from pg_stats, tuple header, item pointer, fillfactor). The estimate needs
--       ANALYZE and only covers columns the role may read (pg_stats hides the others).
--       Sizes are read only for relations nobody holds an AccessExclusiveLock on.
-- Needs: nothing beyond CONNECT.
-- Versions: 13 and later.
with locked as (
  select relation from pg_locks
   where locktype = 'relation' and mode = 'AccessExclusiveLock' and granted
     and database = (select oid from pg_database where datname = current_database())
),
opts as (
  select c.oid,
         (select option_value from pg_options_to_table(c.reloptions) where option_name = 'autovacuum_vacuum_threshold')::float8 as thr,
         (select option_value from pg_options_to_table(c.reloptions) where option_name = 'autovacuum_vacuum_scale_factor')::float8 as sf,
         coalesce((select option_value from pg_options_to_table(c.reloptions) where option_name = 'autovacuum_enabled')::bool, true) as av_on,
         coalesce((select option_value from pg_options_to_table(c.reloptions) where option_name = 'fillfactor')::float8, 100) as ff
    from pg_class c where c.relkind = 'r' and c.reloptions is not null
),
widths as (
  select st.schemaname, st.tablename, sum((1 - st.null_frac) * st.avg_width) as row_width
    from pg_stats st
   where st.schemaname not in ('pg_catalog', 'information_schema')
   group by 1, 2
),
t as (
  select s.schemaname, s.relname, s.relid, s.n_live_tup, s.n_dead_tup,
         greatest(s.last_vacuum, s.last_autovacuum) as last_vacuum,
         greatest(s.last_analyze, s.last_autoanalyze) as last_analyze,
         c.reltuples, c.relpages,
         coalesce(o.thr, current_setting('autovacuum_vacuum_threshold')::float8)
           + coalesce(o.sf, current_setting('autovacuum_vacuum_scale_factor')::float8) * greatest(c.reltuples, 0) as trigger,
         coalesce(o.av_on, true) and current_setting('autovacuum') = 'on' as autovacuum_on,
         coalesce(o.ff, 100) as ff, w.row_width,
         current_setting('block_size')::float8 as bs
    from pg_stat_user_tables s
    join pg_class c on c.oid = s.relid
    left join opts o on o.oid = s.relid
    left join widths w on w.schemaname = s.schemaname and w.tablename = s.relname
   where c.relkind = 'r'
),
est as (
  select t.*,
         case when t.row_width is not null and t.reltuples >= 0 and t.relpages >= :min_pages then
           greatest(0, t.relpages - ceil(t.reltuples * (24 + 4 + t.row_width)
                                        / ((t.bs - 24) * t.ff / 100)))::float8 * t.bs end as bloat_bytes
    from t
)
select e.schemaname as schema, e.relname as table, e.n_live_tup, e.n_dead_tup, e.trigger, e.autovacuum_on,
       extract(epoch from now() - e.last_vacuum)::float8 as vacuum_age_seconds,
       extract(epoch from now() - e.last_analyze)::float8 as analyze_age_seconds,
       e.relpages::int8 * e.bs::int8 as table_bytes, e.bloat_bytes,
       case when l.relation is null then pg_total_relation_size(e.relid) end as total_bytes
  from est e
  left join locked l on l.relation = e.relid
 where e.n_dead_tup > least(e.trigger, :min_dead) or coalesce(e.bloat_bytes, 0) >= :min_bloat
 order by greatest(e.n_dead_tup * (e.bs / 100), coalesce(e.bloat_bytes, 0)) desc
 limit :limit
