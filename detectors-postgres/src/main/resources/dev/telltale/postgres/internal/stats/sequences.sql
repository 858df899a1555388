-- What: sequences of the connected database and how much of their range is used, measured against the
--       type of the column that owns or uses them (an int4 column fed by a bigint sequence fails at
--       2^31-1 whatever the sequence allows), else against the sequence's own maximum; next_value is what
--       the next nextval returns (the start value for a sequence never called, whose last_value is null);
--       over_warning counts those at or past :warning before :limit cuts the list.
-- Needs: SELECT or USAGE on the sequences to see last_value (pg_sequences hides it otherwise).
-- Versions: 13 and later.
with seqs as (
  select s.schemaname, s.sequencename, s.last_value, s.start_value, s.max_value, s.min_value, s.increment_by,
         s.cycle, c.oid as seqoid,
         coalesce(s.last_value::numeric + s.increment_by, s.start_value::numeric) as next_value
    from pg_sequences s
    join pg_namespace n on n.nspname = s.schemaname
    join pg_class c on c.relnamespace = n.oid and c.relname = s.sequencename
   -- reading last_value opens the sequence: skip those under an AccessExclusiveLock (ALTER SEQUENCE)
   where not exists (select 1 from pg_locks l where l.locktype = 'relation' and l.relation = c.oid
                                               and l.mode = 'AccessExclusiveLock' and l.granted)
),
owners as (
  -- owned by / identity (pg_depend 'a' or 'i') and column defaults calling nextval (pg_depend 'n' from the default)
  select d.objid as seqoid, a.attrelid, a.attnum, a.atttypid
    from pg_depend d
    join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
   where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
  union
  select d.refobjid as seqoid, a.attrelid, a.attnum, a.atttypid
    from pg_attrdef ad
    join pg_depend d on d.classid = 'pg_attrdef'::regclass and d.objid = ad.oid and d.refclassid = 'pg_class'::regclass
    join pg_attribute a on a.attrelid = ad.adrelid and a.attnum = ad.adnum
)
select x.*, count(*) filter (where x.used_value / nullif(x.limit_value, 0) >= :warning) over () as over_warning
  from (
select s.seqoid::int8 as oid, s.schemaname as schema, s.sequencename as sequence, s.last_value::numeric as last_value,
       s.next_value, coalesce(s.last_value::numeric, s.start_value::numeric - s.increment_by) as used_value,
       s.max_value::numeric as max_value, s.increment_by, s.cycle,
       coalesce(string_agg(distinct tn.nspname || '.' || tc.relname || '.' || a.attname, ', '), '') as columns,
       least(s.max_value::numeric, coalesce(min(case o.atttypid when 'int2'::regtype then 32767
                                                              when 'int4'::regtype then 2147483647
                                                              else 9223372036854775807 end)::numeric,
                                            s.max_value::numeric)) as limit_value,
       coalesce(min(format_type(o.atttypid, null)), '') as column_type
  from seqs s
  left join owners o on o.seqoid = s.seqoid
  left join pg_class tc on tc.oid = o.attrelid
  left join pg_namespace tn on tn.oid = tc.relnamespace
  left join pg_attribute a on a.attrelid = o.attrelid and a.attnum = o.attnum
 where s.increment_by > 0
 group by s.seqoid, s.schemaname, s.sequencename, s.last_value, s.next_value, s.start_value, s.max_value,
          s.increment_by, s.cycle
) x
 order by x.used_value / nullif(x.limit_value, 0) desc
 limit :limit
