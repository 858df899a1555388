package dev.telltale.jvm;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.telltale.testkit.TestPostgres;

/** HikariCP pools on the test kit's per-class database. */
final class Pg {
    private final TestPostgres postgres;

    Pg(TestPostgres postgres) {
        this.postgres = postgres;
    }

    HikariDataSource pool(String name, int size) {
        return pool(name, size, 30_000);
    }

    HikariDataSource pool(String name, int size, long connectionTimeoutMillis) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(connectionTimeoutMillis);
        return new HikariDataSource(config);
    }

    java.sql.Connection connect() throws java.sql.SQLException {
        return postgres.connect();
    }
}
