-- What: the entries of the configuration files that are not in effect: the value waiting for a restart of each
--       pending setting (its last entry, the one that wins) and every entry in error (an invalid value, an unknown
--       name, a syntax error: no name), the first :limit of each kind in file order, with how many of each.
-- Needs: superuser (pg_file_settings; the detector checks settings-readable first).
-- Versions: 13 and later.
with entries as (
    select f.seqno, f.name, f.setting, f.sourcefile, f.sourceline, f.error,
           coalesce(s.pending_restart, false) as pending,
           row_number() over (partition by f.name order by f.seqno desc) as last_first
      from pg_file_settings f
      left join pg_settings s on s.name = f.name
     where f.error is not null
), kinds as (
    select e.*, row_number() over (partition by e.pending order by e.seqno) as nth,
           count(*) over (partition by e.pending)::int8 as total
      from entries e
     where not e.pending or e.last_first = 1
)
select k.name, k.setting, k.sourcefile, k.sourceline::int4 as sourceline, k.error, k.pending, k.total
  from kinds k
 where k.nth <= :limit
 order by k.pending desc, k.seqno
 limit 2 * :limit
