-- What: how many sequences of the connected database the role may not read (neither SELECT nor USAGE:
--       pg_sequences hides their last_value, so sequences.sql does not judge them), the members of
--       extensions and other sessions' temporary sequences left out. Every sequence has its row in
--       pg_sequence: read from there, pg_class is probed by oid for those few (not scanned whole).
-- Needs: nothing.
-- Versions: 13 and later.
select count(*)
  from pg_sequence s
  join pg_class c on c.oid = s.seqrelid
 where c.relkind = 'S' and not pg_is_other_temp_schema(c.relnamespace)
   -- has_sequence_privilege fails on a relation of another kind: guarded, whatever order the planner picks
   and case when c.relkind = 'S' then not has_sequence_privilege(c.oid, 'SELECT,USAGE') else false end
   and not exists (select 1 from pg_depend d
                    where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
