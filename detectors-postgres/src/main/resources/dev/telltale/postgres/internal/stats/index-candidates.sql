-- What: the indexes of the connected database worth reporting:
--       unused (idx_scan = 0, not unique, primary, exclusion, replica identity or backing a constraint),
--       exact duplicates (of identical indexes all but one: the kept one backs a constraint, else is
--       unique, else is the most scanned, else the oldest) and prefix-redundant ones (same table, access
--       method, expressions and predicate; key columns and operator classes a prefix of another valid
--       index's; unique ones never), each named with a cover that is itself kept, so following every hint
--       never drops the last index on a column list; an index backing a constraint is never one to drop;
--       invalid ones (not while CREATE/REINDEX CONCURRENTLY is still building them); and intersected
--       pairs: the column list of one (expressions by their text, INCLUDE columns counted) equal to or a
--       leading part of the other's, same predicate (pg-index-health's "intersected indexes", which take
--       in its "duplicated indexes" too), leaving out every pair with an index already reported as a
--       duplicate or redundant above and the pairs on partitions (their parent's indexes carry the design);
--       detail says what keeps the pair from being a plain duplicate (identical: both back constraints).
--       Candidates are ranked by pg_class.relpages (no lock, no size function over thousands of indexes),
--       at most :limit per kind, each row with how many of its kind there are in all (kind_total); exact
--       sizes are read only for the rows returned. Tables and indexes that someone holds or waits for
--       an AccessExclusiveLock on (a running or queued ALTER TABLE, whose queue our AccessShareLock would
--       join) are left out until a later run, and so are extension members. Scan counts come from
--       pg_stat_get_numscans, cheaper than the view.
--       Set-based so that it scales to 100,000 indexes: no step keeps every index. Each kind starts from the
--       catalogue columns it alone needs: the unused ones from pg_class's sizes, the rest from one pass over
--       pg_index grouped by table and first key column (0 for an expression); only indexes that share those with
--       another valid index can be duplicates or covers (identical and prefix keys start alike), so only those get
--       their text forms and expressions; the unused ones, the only large kind, are counted by an aggregate and
--       their top :limit taken by a bounded top-N sort, never sorted or stored in full.
-- Needs: nothing beyond CONNECT (the catalogs and pg_stat_get_numscans).
-- Versions: 13 and later (pg_stat_progress_create_index since 12).
with locked as (
  select relation from pg_locks
   where locktype = 'relation' and mode = 'AccessExclusiveLock'
     and database = (select oid from pg_database where datname = current_database())
),
members as (
  -- relations an extension created: not the application's design to judge
  select objid from pg_depend
   where classid = 'pg_class'::regclass and refclassid = 'pg_extension'::regclass and deptype = 'e'
),
ix as not materialized (
  -- the indexes of user tables, cheap columns only. An index lives in its table's schema, and the only
  -- tables outside r, m and p that have indexes are TOAST tables, which live in pg_toast schemas: the
  -- index's own schema decides, with no join to the table.
  select x.indexrelid, x.indrelid, x.indisunique, x.indisprimary, x.indisexclusion, x.indisreplident,
         x.indisvalid, x.indnatts, x.indnkeyatts, x.indkey, x.indclass, x.indcollation, x.indoption, x.indexprs,
         x.indpred, i.relam, i.relpages, i.relname as index_name
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_namespace n on n.oid = i.relnamespace
   where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
     -- pg_get_expr and pg_get_indexdef would queue behind the lock: such tables wait for the next run
     and not exists (select 1 from locked l where l.relation = x.indrelid)
     and not exists (select 1 from locked l where l.relation = x.indexrelid)
     and not exists (select 1 from members m where m.objid = x.indrelid)
),
unused as materialized (
  -- read twice (counted, and its largest taken), so kept: narrow, the name as text (a few bytes, not name's 64)
  select a.indexrelid, a.indrelid, a.relpages, a.index_name
    from (select x.indexrelid, x.indrelid, i.relpages, i.relname::text as index_name
            -- the indexes large enough (ix's filters on pg_class and the schema): one pass over pg_class on its own
            -- columns, the block size read once; pg_index is looked up for those only
            from pg_class i
            join pg_namespace n on n.oid = i.relnamespace
            cross join lateral (select * from pg_index x where x.indexrelid = i.oid offset 0) x
           where i.relkind in ('i', 'I')
             and i.relpages::float8 * (select current_setting('block_size')::float8) >= :min_size
             and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
             and not exists (select 1 from locked l where l.relation = x.indrelid)
             and not exists (select 1 from locked l where l.relation = x.indexrelid)
             and not exists (select 1 from members m where m.objid = x.indrelid)
             -- not unique (a primary key's index is unique: indisprimary adds nothing but a wrong row estimate),
             -- exclusion or replica identity, backing no constraint
             and x.indisvalid and not (x.indisunique or x.indisexclusion or x.indisreplident)
             and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid)
          -- the scan counts read for these only (offset 0: not pushed down to every index)
          offset 0) a
   -- never scanned: written so that the planner expects the many rows there can be (not "= 0", which it guesses
   -- matches one row in 200)
   where not pg_stat_get_numscans(a.indexrelid) > 0
),
groups as (
  -- one pass over pg_index (at 50,000 tables read in its indrelid index's order, so that only each table's few
  -- indexes are sorted; a hash of every index spills): the first key columns (0 for an expression) that two valid
  -- indexes of a table share, and those of invalid indexes
  select x.indrelid, x.indkey[0] as first_key, count(*) filter (where x.indisvalid) > 1 as shared
    from pg_index x
   group by x.indrelid, x.indkey[0]
  having count(*) filter (where x.indisvalid) > 1 or bool_or(not x.indisvalid)
),
pairs as materialized (
  -- the valid indexes that share their table and first key column with another valid one: the only ones that can
  -- be identical to or a prefix of another, or cover one
  select y.indexrelid
    from groups g
    cross join lateral (select y.indexrelid from pg_index y
                         where y.indrelid = g.indrelid and y.indkey[0] = g.first_key and y.indisvalid offset 0) y
   where g.shared
),
idx as (
  -- what comparing them needs
  select a.indexrelid, a.indrelid, a.indisunique, a.indisprimary, a.indisexclusion, a.indisreplident,
         a.indnatts, a.indnkeyatts, a.indkey::text as indkey, a.indclass::text as indclass,
         a.indcollation::text as indcollation, a.indoption::text as indoption,
         case when a.indexprs is null then '' else pg_get_expr(a.indexprs, a.indrelid) end as exprs,
         case when a.indpred is null then '' else pg_get_expr(a.indpred, a.indrelid) end as pred,
         -- DROP INDEX cannot remove an index backing a constraint: it is never the one a hint drops
         exists (select 1 from pg_constraint k where k.conindid = a.indexrelid) as backs_constraint,
         a.relam, a.relpages, a.index_name,
         pg_stat_get_numscans(a.indexrelid) as idx_scan,
         (select t.relispartition from pg_class t where t.oid = a.indrelid) as on_partition,
         -- a partition's index attached to its parent's: it goes when the parent's does, never on its own
         exists (select 1 from pg_inherits h where h.inhrelid = a.indexrelid) as attached
    from pairs p
    -- looked up one by one (offset 0 keeps it a lookup: there are few), not joined to every index
    cross join lateral (select * from ix where ix.indexrelid = p.indexrelid offset 0) a
),
twins as (
  -- valid indexes grouped by what they are (table, access method, key and included columns, operator
  -- classes, collations, orderings, expressions, predicate); in each group the first is the one kept:
  -- the one backing a constraint, else a unique one, else the most scanned, else the oldest (lowest oid).
  -- Only indexes with an identical twin are ranked: any other index is its own keeper (coalesce below).
  select a.indexrelid,
         first_value(a.indexrelid) over w as keeper
    from idx a
   where exists (select 1 from idx b
                  where b.indrelid = a.indrelid and b.indexrelid <> a.indexrelid
                    and b.relam = a.relam and b.indnkeyatts = a.indnkeyatts and b.indkey = a.indkey
                    and b.indclass = a.indclass and b.indcollation = a.indcollation and b.indoption = a.indoption
                    and b.exprs = a.exprs and b.pred = a.pred)
  window w as (partition by a.indrelid, a.relam, a.indnkeyatts, a.indkey, a.indclass, a.indcollation, a.indoption,
                            a.exprs, a.pred
               order by a.backs_constraint desc, (a.indisunique or a.indisprimary) desc, a.indisreplident desc,
                        a.idx_scan desc, a.indexrelid)
),
dups as (
  select distinct on (a.indexrelid) 'duplicate' as kind, a.indexrelid, a.indrelid, b.indexrelid as other, a.relpages,
         a.index_name, a.idx_scan
    from idx a
    left join twins ta on ta.indexrelid = a.indexrelid
    join idx b on b.indrelid = a.indrelid and b.indexrelid <> a.indexrelid
              and b.relam = a.relam and b.exprs = a.exprs and b.pred = a.pred
    left join twins tb on tb.indexrelid = b.indexrelid
   where not (a.backs_constraint or a.indisprimary or a.indisexclusion or a.indisreplident or a.attached)
     -- the index named as cover is always the one its own twins keep, so no hint drops the last copy
     and coalesce(tb.keeper, b.indexrelid) = b.indexrelid
     and (
          -- of identical indexes, every one but the kept one (a unique one only when the kept one is unique too)
          (ta.keeper = b.indexrelid and ta.keeper <> a.indexrelid
           and (not a.indisunique or b.indisunique or b.indisprimary))
          -- a strict prefix of another index's key columns (same operator classes); unique ones never
          or (not a.indisunique and a.indnatts = a.indnkeyatts and b.indnatts > a.indnatts
              and (b.indkey || ' ') like (a.indkey || ' %') and (b.indclass || ' ') like (a.indclass || ' %')))
   order by a.indexrelid, (coalesce(ta.keeper, a.indexrelid) = b.indexrelid) desc, b.indexrelid
),
overlapping as (
  -- a's columns equal to or leading b's, same predicate; equal lists once per pair (a the one to drop of an
  -- identical pair, in the order twins keeps them, else the lower oid); pairs holding a reported duplicate left
  -- out. Both share their first key column, so both are in idx.
  select a.indexrelid, b.indexrelid as other, a.indrelid, a.relpages, a.index_name, a.idx_scan,
         case
           when a.relam = b.relam and a.indkey = b.indkey and a.indnkeyatts = b.indnkeyatts and a.indclass = b.indclass
                and a.indcollation = b.indcollation and a.indoption = b.indoption then 'identical'
           when a.relam <> b.relam then 'method'
           when a.indkey = b.indkey and a.indnkeyatts <> b.indnkeyatts then 'include'
           when a.indkey = b.indkey and a.indclass <> b.indclass then 'opclass'
           when a.indkey = b.indkey and a.indcollation <> b.indcollation then 'collation'
           when a.indkey = b.indkey then 'order'
           when a.indisunique or a.indisprimary then 'unique'
           when a.backs_constraint or a.indisexclusion or a.indisreplident then 'constraint'
           when a.indnatts > a.indnkeyatts then 'include'
           when (b.indclass || ' ') not like (a.indclass || ' %') then 'opclass'
           else 'prefix'
         end as detail
    from idx a
    join idx b on b.indrelid = a.indrelid and b.indexrelid <> a.indexrelid and b.pred = a.pred
   where not a.on_partition
     and (b.indkey || ' ') like (a.indkey || ' %')
     and (a.exprs = '' or a.exprs = b.exprs)
     and (a.indkey <> b.indkey
          or (a.backs_constraint, a.indisprimary, a.indisunique or a.indisprimary, a.indisreplident, a.idx_scan, b.indexrelid)
             < (b.backs_constraint, b.indisprimary, b.indisunique or b.indisprimary, b.indisreplident, b.idx_scan, a.indexrelid))
     and not exists (select 1 from dups d where d.indexrelid = a.indexrelid)
     and not exists (select 1 from dups d where d.indexrelid = b.indexrelid)
),
few as (
  -- the duplicates, intersected pairs and invalid indexes: few, each row with what ranking and the answer need
  select kind, indexrelid, indrelid, other, relpages, index_name, idx_scan, '' as detail from dups
  union all
  select 'intersected', indexrelid, indrelid, other, relpages, index_name, idx_scan, detail from overlapping
  union all
  select 'invalid', a.indexrelid, a.indrelid, null, a.relpages, a.index_name, pg_stat_get_numscans(a.indexrelid), ''
    from groups g
    cross join lateral (select y.indexrelid from pg_index y
                         where y.indrelid = g.indrelid and y.indkey[0] = g.first_key and not y.indisvalid offset 0) y
    cross join lateral (select * from ix where ix.indexrelid = y.indexrelid offset 0) a
   where not a.indisvalid
     and not exists (select 1 from pg_stat_progress_create_index p where p.index_relid = a.indexrelid
                                                                    or p.relid = a.indrelid)
),
ranked as (
  -- at most :limit of each kind, the largest first; kind_total counts them all, so a cut list can say so
  select f.*,
         row_number() over (partition by f.kind order by f.relpages desc, f.index_name) as rank,
         count(*) over (partition by f.kind) as kind_total
    from few f
  union all
  select 'unused', u.indexrelid, u.indrelid, null::oid, u.relpages, u.index_name::name, 0::int8, '', 1,
         (select count(*) from unused)
    -- a top-N sort: only :limit rows kept while it reads them all; names in name's order (C)
    from (select * from unused order by relpages desc, index_name collate "C" limit :limit) u
)
-- names are looked up for the rows returned only, one by one (postgres.indexes turns nested loops off: a join here
-- would scan pg_class whole for each)
select r.kind,
       (select n.nspname from pg_namespace n
         where n.oid = (select t.relnamespace from pg_class t where t.oid = r.indrelid)) as schema,
       (select t.relname from pg_class t where t.oid = r.indrelid) as table,
       r.index_name as index, r.idx_scan as scans,
       coalesce((select b.relname from pg_class b where b.oid = r.other), '') as covered_by,
       pg_relation_size(r.indexrelid) as size,
       pg_get_indexdef(r.indexrelid) as definition,
       r.kind_total, r.detail,
       coalesce(pg_get_indexdef(r.other), '') as other_definition,
       coalesce(pg_stat_get_numscans(r.other), 0) as other_scans,
       -- the constraint an identical pair's dropped index backs: alter table drops it, drop index cannot
       case when r.detail = 'identical' then
         coalesce((select min(k.conname::text) from pg_constraint k where k.conindid = r.indexrelid), '')
       else '' end as constraint_name,
       -- an index of a partitioned table cannot be dropped or rebuilt concurrently
       coalesce((select t.relkind = 'p' from pg_class t where t.oid = r.indrelid), false) as partitioned
  from ranked r
 where r.rank <= :limit
 order by r.kind, r.relpages desc, r.index_name
