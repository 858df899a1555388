-- What: a query whose middle line differs by server version.
-- Versions: 13 and later.
select 1 as a,
       13 as v      -- before pg16
       16 as v      -- from pg16
  from (select 1) one
