package dev.telltale.jvm;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh database on the PostgreSQL of TELLTALE_TEST_POSTGRES_URL (the local server by default), dropped
 * on close. Stands in for the test kit's PostgresExtension until it lands on this branch.
 */
final class Pg implements AutoCloseable {
    private final String adminUrl;
    private final String database;
    private final String url;

    Pg() throws SQLException {
        String env = System.getenv("TELLTALE_TEST_POSTGRES_URL");
        this.adminUrl = env == null || env.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres" : env;
        this.database = "telltale_jvm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("create database " + database);
        }
        int q = adminUrl.indexOf('?');
        String base = q < 0 ? adminUrl : adminUrl.substring(0, q);
        String params = q < 0 ? "" : adminUrl.substring(q);
        this.url = base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }

    HikariDataSource pool(String name, int size) {
        return pool(name, size, 30_000);
    }

    HikariDataSource pool(String name, int size, long connectionTimeoutMillis) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(connectionTimeoutMillis);
        return new HikariDataSource(config);
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database + " with (force)");
        }
    }
}
