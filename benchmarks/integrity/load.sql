-- 10,000,000 payments (50 duplicated succeeded charges) and 10,000,000 order items over 1,000,000 orders
-- (100 of them deleted without their items: 1,000 orphans). Run in a dedicated database.
\timing on
set maintenance_work_mem = '256MB';
create table payments(id bigint primary key, idempotency_key text not null, status text not null,
                      amount numeric(12,2) not null, created_at timestamptz not null);
insert into payments
select g, 'pi_' || g, case when g % 10 = 0 then 'failed' else 'succeeded' end, (g % 1000) / 10.0,
       timestamptz '2026-01-01' + g * interval '1 second'
from generate_series(1, 10000000) g;
-- double charges: 50 keys charged twice (new ids at the end, same key)
insert into payments
select 10000000 + g, 'pi_' || (g * 199999), 'succeeded', 42, now() from generate_series(1, 50) g;
create index payments_key on payments(idempotency_key);

create table orders(id bigint primary key, customer bigint not null);
insert into orders select g, g % 50000 from generate_series(1, 1000000) g;
create table order_items(id bigint primary key, order_id bigint, sku text not null, qty int not null);
insert into order_items select g, (g - 1) / 10 + 1, 'sku' || (g % 977), 1 + g % 3 from generate_series(1, 10000000) g;
-- orders deleted in application code without their items: 100 orders, 10 items each
delete from orders where id % 10000 = 0;
create sequence bench_item_ids start 20000000;
vacuum analyze payments;
vacuum analyze orders;
vacuum analyze order_items;
select pg_size_pretty(pg_total_relation_size('payments')) as payments, pg_size_pretty(pg_total_relation_size('order_items')) as items;
