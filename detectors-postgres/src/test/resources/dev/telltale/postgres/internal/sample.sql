-- test query, base variant
select 13 as v
