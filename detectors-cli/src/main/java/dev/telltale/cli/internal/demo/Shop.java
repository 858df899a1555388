package dev.telltale.cli.internal.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The demo's small shop: products and stock, customers, orders and their items, payments. */
final class Shop {
    private Shop() {
    }

    static void create(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute("""
                    create table products (id bigint primary key, name text not null, price_cents int not null);
                    create table stock (product_id bigint primary key references products, quantity int not null);
                    create table customers (id bigint primary key, email text not null);
                    create table orders (id bigint primary key, customer_id bigint not null, status text not null,
                                         created_at timestamptz not null default now());
                    create table order_items (id bigserial primary key, order_id bigint not null, product_id bigint not null,
                                              quantity int not null);
                    create table payments (id bigserial primary key, order_id bigint not null, idempotency_key text not null,
                                           status text not null, amount_cents int not null);
                    create index order_items_order_id on order_items (order_id);
                    insert into products select g, 'product ' || g, 100 + g from generate_series(1, 200) g;
                    insert into stock select id, 50 from products;
                    insert into customers select g, 'customer' || g || '@example.com' from generate_series(1, 500) g;
                    insert into orders select g, 1 + g % 500, 'paid' from generate_series(1, 2000) g;
                    insert into order_items (order_id, product_id, quantity) select 1 + g % 2000, 1 + g % 200, 1
                      from generate_series(1, 6000) g;
                    insert into payments (order_id, idempotency_key, status, amount_cents)
                      select g, 'pay-' || g, 'succeeded', 1000 from generate_series(1, 2000) g;
                    analyze;
                    """);
        }
    }

    static Connection connect(String jdbcUrl) throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }
}
