-- What: the indexes of the connected database worth reporting, in one pass over pg_index:
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
--       sizes are read only for the rows returned. Tables and indexes that someone holds or waits for an
--       AccessExclusiveLock on (a running or queued ALTER TABLE, whose queue our AccessShareLock would
--       join) are left out until a later run, and so are extension members. Scan counts come from
--       pg_stat_get_numscans, cheaper than the view.
-- Needs: nothing beyond CONNECT (pg_stat_user_indexes and the catalogs).
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
idx as (
  select x.indexrelid, x.indrelid, x.indisunique, x.indisprimary, x.indisexclusion, x.indisreplident,
         x.indisvalid, x.indnatts, x.indnkeyatts, x.indkey::text as indkey, x.indclass::text as indclass,
         x.indcollation::text as indcollation, x.indoption::text as indoption,
         case when x.indexprs is null then '' else pg_get_expr(x.indexprs, x.indrelid) end as exprs,
         case when x.indpred is null then '' else pg_get_expr(x.indpred, x.indrelid) end as pred,
         -- a primary key, unique or exclusion constraint, or the unique index a foreign key references:
         -- DROP INDEX cannot remove it, so it is never the one a hint drops
         exists (select 1 from pg_constraint k where k.conindid = x.indexrelid) as backs_constraint,
         i.relam, i.relpages, i.relname as index_name, t.relispartition as on_partition,
         pg_stat_get_numscans(x.indexrelid) as idx_scan
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    join pg_namespace n on n.oid = t.relnamespace
   where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
     and t.relkind in ('r', 'm', 'p')
     -- pg_get_expr and pg_get_indexdef would queue behind the lock: such tables wait for the next run
     and not exists (select 1 from locked l where l.relation = x.indrelid)
     and not exists (select 1 from locked l where l.relation = x.indexrelid)
     and not exists (select 1 from members m where m.objid = x.indrelid)
),
twins as (
  -- valid indexes grouped by what they are (table, access method, key and included columns, operator
  -- classes, collations, orderings, expressions, predicate); in each group the first is the one kept:
  -- the one backing a constraint, else a unique one, else the most scanned, else the oldest (lowest oid).
  -- Only indexes with an identical twin are ranked: any other index is its own keeper (coalesce below).
  select a.indexrelid,
         first_value(a.indexrelid) over w as keeper
    from idx a
   where a.indisvalid
     and exists (select 1 from idx b
                  where b.indrelid = a.indrelid and b.indexrelid <> a.indexrelid and b.indisvalid
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
         a.index_name,
         a.idx_scan
    from idx a
    left join twins ta on ta.indexrelid = a.indexrelid
    join idx b on b.indrelid = a.indrelid and b.indexrelid <> a.indexrelid and b.indisvalid
              and b.relam = a.relam and b.exprs = a.exprs and b.pred = a.pred
    left join twins tb on tb.indexrelid = b.indexrelid
   where a.indisvalid and not (a.backs_constraint or a.indisprimary or a.indisexclusion or a.indisreplident)
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
pairs as (
  -- a's columns equal to or leading b's, same predicate; equal lists once per pair (a the one to drop of an
  -- identical pair, in the order twins keeps them, else the lower oid); pairs holding a reported duplicate left out
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
   where a.indisvalid and b.indisvalid and not a.on_partition
     and (b.indkey || ' ') like (a.indkey || ' %')
     and (a.exprs = '' or a.exprs = b.exprs)
     and (a.indkey <> b.indkey
          or (a.backs_constraint, a.indisprimary, a.indisunique or a.indisprimary, a.indisreplident, a.idx_scan, b.indexrelid)
             < (b.backs_constraint, b.indisprimary, b.indisunique or b.indisprimary, b.indisreplident, b.idx_scan, a.indexrelid))
     and not exists (select 1 from dups d where d.indexrelid = a.indexrelid)
     and not exists (select 1 from dups d where d.indexrelid = b.indexrelid)
),
found as (
  -- each row carries what ranking and the answer need, so that no later step joins idx again
  select 'unused' as kind, a.indexrelid, a.indrelid, null::oid as other, a.relpages, a.index_name, a.idx_scan,
         '' as detail
    from idx a
   where a.idx_scan = 0 and a.indisvalid and a.relpages::float8 * current_setting('block_size')::float8 >= :min_size
     and not (a.indisunique or a.indisprimary or a.indisexclusion or a.indisreplident or a.backs_constraint)
  union all
  select kind, indexrelid, indrelid, other, relpages, index_name, idx_scan, '' from dups
  union all
  select 'intersected', indexrelid, indrelid, other, relpages, index_name, idx_scan, detail from pairs
  union all
  select 'invalid', a.indexrelid, a.indrelid, null, a.relpages, a.index_name, a.idx_scan, ''
    from idx a
   where not a.indisvalid
     and not exists (select 1 from pg_stat_progress_create_index p where p.index_relid = a.indexrelid
                                                                    or p.relid = a.indrelid)
),
ranked as (
  -- at most :limit of each kind, the largest first; kind_total counts them all, so a cut list can say so
  select f.*,
         row_number() over (partition by f.kind order by f.relpages desc, f.index_name) as rank,
         count(*) over (partition by f.kind) as kind_total
    from found f
)
-- names are looked up for the rows returned only
select r.kind, n.nspname as schema, t.relname as table, r.index_name as index, r.idx_scan as scans,
       coalesce(b.relname, '') as covered_by,
       pg_relation_size(r.indexrelid) as size,
       pg_get_indexdef(r.indexrelid) as definition,
       r.kind_total, r.detail,
       coalesce(pg_get_indexdef(r.other), '') as other_definition,
       coalesce(pg_stat_get_numscans(r.other), 0) as other_scans,
       coalesce(k.conname, '') as constraint_name
  from ranked r
  join pg_class t on t.oid = r.indrelid
  join pg_namespace n on n.oid = t.relnamespace
  left join pg_class b on b.oid = r.other
  -- the constraint an identical pair's dropped index backs: alter table drops it, drop index cannot
  left join (select conindid, min(conname::text) as conname from pg_constraint where conindid <> 0 group by conindid) k
         on k.conindid = r.indexrelid and r.detail = 'identical'
 where r.rank <= :limit
 order by r.kind, r.relpages desc, r.index_name
