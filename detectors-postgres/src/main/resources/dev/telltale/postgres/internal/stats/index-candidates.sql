-- What: the indexes of the connected database worth reporting, in one pass over pg_index:
--       unused (idx_scan = 0, not unique, primary, exclusion, replica identity or backing a constraint),
--       exact duplicates (of identical indexes all but one: the kept one backs a constraint, else is
--       unique, else is the most scanned, else the oldest) and prefix-redundant ones (same table, access
--       method, expressions and predicate; key columns and operator classes a prefix of another valid
--       index's; unique ones never), each named with a cover that is itself kept, so following every hint
--       never drops the last index on a column list; an index backing a constraint is never one to drop;
--       and invalid ones (not while CREATE/REINDEX CONCURRENTLY is still building them).
--       Candidates are ranked by pg_class.relpages (no lock, no size function over thousands of indexes),
--       at most :limit per kind, each row with how many of its kind there are in all (kind_total); exact
--       sizes are read only for the rows returned. Tables and indexes that someone holds an
--       AccessExclusiveLock on (a running ALTER TABLE) are left out until a later run. Scan counts come from pg_stat_get_numscans, cheaper than the view.
-- Needs: nothing beyond CONNECT (pg_stat_user_indexes and the catalogs).
-- Versions: 13 and later (pg_stat_progress_create_index since 12).
with locked as (
  select relation from pg_locks
   where locktype = 'relation' and mode = 'AccessExclusiveLock' and granted
     and database = (select oid from pg_database where datname = current_database())
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
         i.relam, i.relpages, i.relname as index_name,
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
found as (
  -- each row carries what ranking and the answer need, so that no later step joins idx again
  select 'unused' as kind, a.indexrelid, a.indrelid, null::oid as other, a.relpages, a.index_name, a.idx_scan
    from idx a
   where a.idx_scan = 0 and a.indisvalid and a.relpages::float8 * current_setting('block_size')::float8 >= :min_size
     and not (a.indisunique or a.indisprimary or a.indisexclusion or a.indisreplident or a.backs_constraint)
  union all
  select * from (
  select distinct on (a.indexrelid) 'duplicate', a.indexrelid, a.indrelid, b.indexrelid, a.relpages, a.index_name,
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
  ) dups
  union all
  select 'invalid', a.indexrelid, a.indrelid, null, a.relpages, a.index_name, a.idx_scan
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
       r.kind_total
  from ranked r
  join pg_class t on t.oid = r.indrelid
  join pg_namespace n on n.oid = t.relnamespace
  left join pg_class b on b.oid = r.other
 where r.rank <= :limit
 order by r.kind, r.relpages desc, r.index_name
