-- What: indexes of the connected database whose shape wastes them, from the catalogs and pg_stats only:
--       mostly-null (the leading key column nullable and at least :null_ratio NULL in pg_stats, on a table
--       of at least :null_min_rows rows; not unique, not backing a constraint, not partial: a partial
--       index's rows are not the table's, whose null share pg_stats gives), boolean (every key column
--       boolean, no expression; not unique, not partial), array-btree (a B-tree with an array key column;
--       not unique: a B-tree on an array answers whole-array comparisons only) and bloated (a B-tree of at
--       least :bloat_min_bytes pages whose pages exceed what its rows need by :bloat_ratio or more).
--       The bloat estimate: rows (pg_class.reltuples) times the tuple a row needs (8-byte header, 4 more
--       for the null bitmap when a column has NULLs, the columns' average width from pg_stats weighed by
--       their non-null share, each part aligned to 8 bytes, plus a 4-byte line pointer) on 8 kB pages less
--       the page header and B-tree special space (24 + 16 bytes) filled to the index's fillfactor (90 by
--       default), plus the metapage; indexes with a column without statistics are not estimated. Since
--       PostgreSQL 13 B-tree deduplication can make an index smaller than that, so the estimate errs
--       towards less bloat. Only indexes of relations nobody holds or waits for an AccessExclusiveLock on,
--       no extension members; partitioned tables are left out of the design kinds (their indexes cannot be
--       rebuilt concurrently in one statement; bloat is judged per partition). Sizes are pg_class.relpages (no
--       lock, no size function); at most :limit per kind, with kind_total.
-- Needs: nothing beyond CONNECT; pg_stats shows only the columns the role may read.
-- Versions: 13 and later.
with skipped as (
  -- relations left alone: those an ACCESS EXCLUSIVE lock is held or queued on (a lock we took would wait behind
  -- it), and those an extension owns
  select l.relation as oid
    from pg_locks l join pg_database d on d.oid = l.database and d.datname = current_database()
   where l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
  union
  select e.objid from pg_depend e
   where e.deptype = 'e' and e.classid = 'pg_class'::regclass and e.refclassid = 'pg_extension'::regclass
     and e.refobjid in (select oid from pg_extension)
),
classes as (
  -- the operator classes of boolean keys, and of B-tree keys that are whole arrays
  select (select oid from pg_am where amname = 'btree') as btree,
         array_agg(c.oid) filter (where c.opcintype = 'bool'::regtype) as booleans,
         array_agg(c.oid) filter (where c.opcintype = 'anyarray'::regtype
                                    and c.opcmethod = (select oid from pg_am where amname = 'btree')) as arrays,
         (select current_setting('block_size')::float8) as bs
    from pg_opclass c
),
large as materialized (
  -- one pass over pg_class on its own columns: the B-trees big enough to be bloated, the tables big enough for
  -- mostly-null indexes; only oids kept
  select c.oid, c.relkind = 'i' as is_index
    from pg_class c
   where c.relkind = 'i' and c.relam = (select btree from classes) and c.relpages > 0 and c.reltuples >= 0
         and c.relpages * (select bs from classes) >= :bloat_min_bytes
      or c.relkind in ('r', 'm') and not c.relispartition and c.reltuples >= :null_min_rows
),
candidates as (
  -- the indexes any kind can take, each found by what it alone needs: bloat by the index's size, mostly-null by
  -- its table's rows, boolean and array keys by pg_index's own columns. Every other condition is checked below,
  -- for these only.
  select l.oid as indexrelid from large l where l.is_index
  union
  select x.indexrelid from large l
   cross join lateral (select x.indexrelid from pg_index x
                        where x.indrelid = l.oid and x.indkey[0] > 0 and x.indpred is null offset 0) x
   where not l.is_index
  union
  select x.indexrelid from pg_index x
   where x.indpred is null
     and (x.indexprs is null and x.indclass::oid[] <@ (select booleans from classes)
          or x.indclass::oid[] && (select arrays from classes))
),
ix as materialized (
  -- the candidates, and what each kind needs of them (looked up one by one: offset 0 keeps them lookups)
  select c.*
    from candidates p
    cross join lateral (
      select x.indexrelid, x.indrelid, x.indkey[0] as lead, x.indkey::int2[] as keys,
             not (t.relispartition or x.indisunique or x.indisprimary or x.indisexclusion or x.indpred is not null
                  or x.indexrelid in (select k.conindid from pg_constraint k)) as design,
             x.indexprs is null and x.indclass::oid[] <@ cl.booleans as all_boolean,
             i.relam = cl.btree and x.indclass::oid[] && cl.arrays as array_btree,
             i.relam = cl.btree and i.relpages > 0 and i.relpages * cl.bs >= :bloat_min_bytes
               and i.reltuples >= 0 as bloat_candidate,
             i.relpages, i.reltuples as index_rows, i.relname as index_name, i.reloptions,
             t.relname as table_name, t.reltuples as table_rows, n.nspname
        from pg_index x
        join pg_class i on i.oid = x.indexrelid
        join pg_class t on t.oid = x.indrelid
        join pg_namespace n on n.oid = t.relnamespace
        cross join classes cl
       where x.indexrelid = p.indexrelid
         and x.indisvalid and x.indisready
         and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
         and t.relkind in ('r', 'm')
         and (i.relam = cl.btree and i.relpages * cl.bs >= :bloat_min_bytes
              or not t.relispartition and x.indpred is null
                 and (t.reltuples >= :null_min_rows and x.indkey[0] > 0
                      or x.indexprs is null and x.indclass::oid[] <@ cl.booleans
                      or x.indclass::oid[] && cl.arrays))
         and x.indrelid not in (select oid from skipped) and x.indexrelid not in (select oid from skipped)
      offset 0) c
),
nulls as (
  select 'mostly-null' as kind, ix.indexrelid, ix.relpages, ix.index_name, a.attname::text as detail,
         s.null_frac::float8 as ratio, null::float8 as estimated_bytes
    from ix
    join pg_attribute a on a.attrelid = ix.indrelid and a.attnum = ix.lead
    -- pg_stats looked up by name for each candidate column (offset 0 keeps it a lookup), never joined whole
    cross join lateral (select s.null_frac from pg_stats s
                         where s.schemaname = ix.nspname and s.tablename = ix.table_name and s.attname = a.attname
                           and not s.inherited
                        offset 0) s
   where ix.design and ix.lead > 0 and ix.table_rows >= :null_min_rows and not a.attnotnull
     and s.null_frac >= :null_ratio
),
widths as (
  -- every column of the bloat candidates: its statistics (the table's for a column, the index's own for an
  -- expression)
  select ix.indexrelid,
         sum((1 - s.null_frac) * s.avg_width) as width, max(s.null_frac) as null_frac,
         count(s.attname) = count(*) as estimable
    from ix
    cross join lateral unnest(ix.keys) with ordinality as k(attnum, pos)
    left join lateral (select a.attname from pg_attribute a
                        where a.attrelid = case when k.attnum = 0 then ix.indexrelid else ix.indrelid end
                          and a.attnum = case when k.attnum = 0 then k.pos else k.attnum end
                       offset 0) a on true
    left join lateral (select s.attname, s.null_frac, s.avg_width from pg_stats s
                        where s.schemaname = ix.nspname and s.attname = a.attname and not s.inherited
                          and s.tablename = case when k.attnum = 0 then ix.index_name else ix.table_name end
                       offset 0) s on true
   where ix.bloat_candidate
   group by ix.indexrelid
),
estimates as (
  select ix.indexrelid, ix.relpages, ix.index_name, current_setting('block_size')::float8 as bs,
         1 + ceil(ix.index_rows / greatest(1, floor((current_setting('block_size')::float8 - 40)
               * coalesce(substring(array_to_string(ix.reloptions, ',') from 'fillfactor=([0-9]+)')::float8, 90) / 100
               / (8 * ceil((8 + case when w.null_frac > 0 then 4 else 0 end) / 8.0) + 8 * ceil(w.width / 8.0) + 4)))) as pages
    from widths w
    join ix on ix.indexrelid = w.indexrelid
   where w.estimable
),
found as (
  select * from nulls
  union all
  select 'boolean', ix.indexrelid, ix.relpages, ix.index_name, '', null, null from ix where ix.design and ix.all_boolean
  union all
  select 'array-btree', ix.indexrelid, ix.relpages, ix.index_name, '', null, null from ix where ix.design and ix.array_btree
  union all
  select 'bloated', e.indexrelid, e.relpages, e.index_name, '', 1 - e.pages / e.relpages, (e.relpages - e.pages) * e.bs
    from estimates e
   where e.relpages - e.pages >= :bloat_ratio * e.relpages and (e.relpages - e.pages) * e.bs >= :bloat_min_bytes
),
ranked as (
  select f.*,
         row_number() over (partition by f.kind order by coalesce(f.estimated_bytes, f.relpages) desc, f.index_name) as rank,
         count(*) over (partition by f.kind) as kind_total
    from found f
)
-- names, definitions and scans for the rows returned only; a boolean index's key columns and an array index's
-- array columns as they are written in SQL
select r.kind, n.nspname as schema, t.relname as table, r.index_name as index, pg_stat_get_numscans(r.indexrelid) as scans,
       r.relpages::int8 * current_setting('block_size')::int8 as size, pg_get_indexdef(r.indexrelid) as definition,
       case r.kind
         when 'boolean' then array_to_string(array(select pg_get_indexdef(r.indexrelid, k, false)
                                                    from generate_series(1, x.indnkeyatts::int) k), ', ')
         when 'array-btree' then array_to_string(array(select pg_get_indexdef(r.indexrelid, (k.n)::int, false)
                                                        from unnest(x.indclass::oid[]) with ordinality k(opc, n)
                                                        cross join classes cl
                                                       where k.opc = any(cl.arrays) order by k.n), ', ')
         else r.detail
       end as detail,
       r.ratio, r.estimated_bytes, r.kind_total, r.indexrelid::int8 as oid
  from ranked r
  join pg_index x on x.indexrelid = r.indexrelid
  join pg_class t on t.oid = x.indrelid
  join pg_namespace n on n.oid = t.relnamespace
 where r.rank <= :limit
 order by r.kind, r.rank
