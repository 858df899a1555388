-- test: two columns, for the record drift cases
select 1::int8 as id, 'x'::text as name
