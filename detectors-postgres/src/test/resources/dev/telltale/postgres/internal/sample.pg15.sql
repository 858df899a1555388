-- test query, from 15 on
select 15 as v
