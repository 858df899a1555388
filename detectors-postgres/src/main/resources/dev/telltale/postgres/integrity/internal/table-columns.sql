-- Finds: the columns of one table, view or materialized view named by the user, with their types and
--        whether each belongs to the primary key (its position in it, else null).
-- Needs: nothing beyond connect; the catalog is readable by every role.
-- Versions: 13 and later.
select a.attname::text                                  as name,
       format_type(a.atttypid, a.atttypmod)             as type,
       t.typcategory::text                              as category,
       array_position(pk.indkey::int2[], a.attnum)      as pk_position
from pg_attribute a
join pg_type t on t.oid = a.atttypid
left join pg_index pk on pk.indrelid = a.attrelid and pk.indisprimary
where a.attrelid = to_regclass(:qualified)
  and a.attnum > 0
  and not a.attisdropped
order by a.attnum
