-- What: sequences of the connected database and how much of their range is used, measured against the
--       type of the column that owns or uses them (an int4 column fed by a bigint sequence fails at
--       2^31-1 whatever the sequence allows), else against the sequence's own maximum; next_value is what
--       the next nextval returns. A sequence pg_sequences shows without a last_value was never called or
--       was restarted since (ALTER SEQUENCE ... RESTART, setval(..., false)): only the sequence itself
--       knows its next value then, so the :probes of those with the smallest range are read (query_to_xml
--       on the sequence, SELECT privilege needed; set_value is what it holds) and the others are judged
--       from their start value (unprobed counts them). Sequences the role may not read (pg_sequences hides
--       their last_value) are not judged here (sequences-unreadable.sql counts them), nor the members of
--       extensions; over_warning counts those at or past :warning before :limit cuts the list.
-- Needs: SELECT or USAGE on the sequences to see last_value; SELECT to read a never-called one.
-- Versions: 13 and later.
with seqs as (
  select s.schemaname, s.sequencename, s.last_value, s.start_value, s.max_value, s.min_value, s.increment_by,
         s.cycle, c.oid as seqoid,
         case when c.relkind = 'S' then has_sequence_privilege(c.oid, 'SELECT') else false end as selectable
    from pg_sequences s
    join pg_namespace n on n.nspname = s.schemaname
    join pg_class c on c.relnamespace = n.oid and c.relname = s.sequencename
   -- reading last_value opens the sequence: skip those under an AccessExclusiveLock (ALTER SEQUENCE)
   where not exists (select 1 from pg_locks l where l.locktype = 'relation' and l.relation = c.oid
                                               and l.mode = 'AccessExclusiveLock' and l.granted)
     -- has_sequence_privilege fails on a relation of another kind: guarded, whatever order the planner picks
     and case when c.relkind = 'S' then has_sequence_privilege(c.oid, 'SELECT,USAGE') else false end
     and not exists (select 1 from pg_depend d
                      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
),
-- the never-called ones with the smallest range left first: the fewest calls from their end whatever they were set to
unset as (
  select s.seqoid, s.schemaname, s.sequencename,
         row_number() over (order by s.max_value::numeric - s.start_value::numeric, s.seqoid) as rank
    from seqs s
   where s.last_value is null and s.selectable and s.increment_by > 0
),
probed as materialized (
  select u.seqoid,
         query_to_xml(format('select last_value, is_called from %I.%I', u.schemaname, u.sequencename), false, true, '') as x
    from unset u
   where u.rank <= :probes
),
read as (
  select p.seqoid, (xpath('/row/last_value/text()', p.x))[1]::text::numeric as set_value,
         (xpath('/row/is_called/text()', p.x))[1]::text::bool as called
    from probed p
),
seq as (
  select s.*, r.set_value,
         coalesce(s.last_value::numeric + s.increment_by,
                  case when r.called then r.set_value + s.increment_by else r.set_value end,
                  s.start_value::numeric) as next_value
    from seqs s
    left join read r on r.seqoid = s.seqoid
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
select x.*, count(*) filter (where x.used_value / nullif(x.limit_value, 0) >= :warning) over () as over_warning,
       (select count(*) from unset u where u.rank > :probes) + (select count(*) from seqs s
         where s.last_value is null and not s.selectable and s.increment_by > 0) as unprobed
  from (
select s.seqoid::int8 as oid, s.schemaname as schema, s.sequencename as sequence, s.last_value::numeric as last_value,
       s.next_value, s.next_value - s.increment_by as used_value, s.start_value::numeric as start_value, s.set_value,
       s.max_value::numeric as max_value, s.increment_by, s.cycle,
       coalesce(string_agg(distinct tn.nspname || '.' || tc.relname || '.' || a.attname, ', '), '') as columns,
       least(s.max_value::numeric, coalesce(min(case o.atttypid when 'int2'::regtype then 32767
                                                              when 'int4'::regtype then 2147483647
                                                              else 9223372036854775807 end)::numeric,
                                            s.max_value::numeric)) as limit_value,
       coalesce(min(format_type(o.atttypid, null)), '') as column_type
  from seq s
  left join owners o on o.seqoid = s.seqoid
  left join pg_class tc on tc.oid = o.attrelid
  left join pg_namespace tn on tn.oid = tc.relnamespace
  left join pg_attribute a on a.attrelid = o.attrelid and a.attnum = o.attnum
 where s.increment_by > 0
 group by s.seqoid, s.schemaname, s.sequencename, s.last_value, s.next_value, s.set_value, s.start_value,
          s.max_value, s.increment_by, s.cycle
) x
 order by x.used_value / nullif(x.limit_value, 0) desc
 limit :limit
