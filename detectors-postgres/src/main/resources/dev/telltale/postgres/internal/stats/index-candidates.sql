-- What: the indexes of the connected database worth reporting, in one pass over pg_index:
--       unused (idx_scan = 0, not unique, primary, exclusion or replica identity), exact duplicates and
--       prefix-redundant ones (same table, access method, expressions and predicate; key columns and
--       operator classes a prefix of another valid index's; unique/primary ones are never called
--       redundant), and invalid ones (not while CREATE/REINDEX CONCURRENTLY is still building them).
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
         case when x.indexprs is null then '' else pg_get_expr(x.indexprs, x.indrelid) end as exprs,
         case when x.indpred is null then '' else pg_get_expr(x.indpred, x.indrelid) end as pred,
         i.relam, i.relpages, n.nspname, t.relname as table_name, i.relname as index_name,
         pg_stat_get_numscans(x.indexrelid) as idx_scan
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    join pg_namespace n on n.oid = t.relnamespace
   where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
     and t.relkind in ('r', 'm', 'p')
     -- pg_get_expr and pg_get_indexdef would queue behind the lock: such tables wait for the next run
     and x.indrelid not in (select relation from locked where relation is not null)
     and x.indexrelid not in (select relation from locked where relation is not null)
),
found as (
  select 'unused' as kind, a.indexrelid, a.indrelid, null::oid as other
    from idx a
   where a.idx_scan = 0 and a.indisvalid and a.relpages::float8 * current_setting('block_size')::float8 >= :min_size
     and not (a.indisunique or a.indisprimary or a.indisexclusion or a.indisreplident)
  union all
  select * from (
  select distinct on (a.indexrelid) 'duplicate', a.indexrelid, a.indrelid, b.indexrelid
    from idx a
    join idx b on b.indrelid = a.indrelid and b.indexrelid <> a.indexrelid and b.indisvalid
              and b.relam = a.relam and b.exprs = a.exprs and b.pred = a.pred
   where a.indisvalid and not (a.indisunique or a.indisprimary or a.indisexclusion)
     and a.indnatts = a.indnkeyatts
     and ((a.indkey = b.indkey and a.indclass = b.indclass
           -- of two identical indexes, report one: the non-unique one, else the newer one
           and (b.indisunique or b.indisprimary or a.indexrelid > b.indexrelid))
          -- a strict prefix: an identical twin is judged by the line above, which reports only one of two
          or (b.indnatts > a.indnatts
              and (b.indkey || ' ') like (a.indkey || ' %') and (b.indclass || ' ') like (a.indclass || ' %')))
   order by a.indexrelid, b.indexrelid
  ) dups
  union all
  select 'invalid', a.indexrelid, a.indrelid, null
    from idx a
   where not a.indisvalid
     and not exists (select 1 from pg_stat_progress_create_index p where p.index_relid = a.indexrelid
                                                                    or p.relid = a.indrelid)
),
ranked as (
  -- at most :limit of each kind, the largest first; kind_total counts them all, so a cut list can say so
  select f.kind, f.indexrelid, f.other, a.relpages, a.index_name,
         row_number() over (partition by f.kind order by a.relpages desc, a.index_name) as rank,
         count(*) over (partition by f.kind) as kind_total
    from found f
    join idx a on a.indexrelid = f.indexrelid
)
select r.kind, a.nspname as schema, a.table_name as table, a.index_name as index, a.idx_scan as scans,
       coalesce(b.index_name, '') as covered_by,
       pg_relation_size(r.indexrelid) as size,
       pg_get_indexdef(r.indexrelid) as definition,
       r.kind_total
  from ranked r
  join idx a on a.indexrelid = r.indexrelid
  left join idx b on b.indexrelid = r.other
 where r.rank <= :limit
 order by r.kind, r.relpages desc, r.index_name
