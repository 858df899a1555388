package dev.telltale.postgres.support;

import dev.telltale.testkit.TestPostgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The two tables of the statement tests, in the test class's own database: {@code customers} (1000 rows) and
 * {@code orders} (5000 rows, each pointing at a customer), the shape of an N+1 (orders listed, then one
 * customer looked up per order), with pg_stat_statements installed.
 */
public final class ShopTables {
    private ShopTables() {
    }

    /**
     * Creates {@code <prefix>customers} and {@code <prefix>orders} (a prefix keeps one test's SQL its own), then
     * runs the class's own {@code statements} and analyzes the database.
     */
    public static void create(TestPostgres db, String prefix, String... statements) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("create extension if not exists pg_stat_statements");
            s.execute("create table " + prefix + "customers (id int primary key, name text not null)");
            s.execute("insert into " + prefix + "customers select g, 'customer ' || g from generate_series(1, 1000) g");
            s.execute("create table " + prefix + "orders (id int primary key, customer_id int not null, total numeric not null)");
            s.execute("insert into " + prefix + "orders select g, 1 + g % 1000, g from generate_series(1, 5000) g");
            for (String statement : statements) {
                s.execute(statement);
            }
            s.execute("analyze");
        }
    }
}
