package dev.telltale.postgres.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresUrlTest {

    @Test
    void libpqFormKeepsThePasswordApart() {
        PostgresUrl u = PostgresUrl.parse("postgresql://alice:s3cr%40t@db.example:6543/orders?sslmode=require");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/orders?sslmode=require");
        assertThat(u.user()).contains("alice");
        assertThat(u.password()).contains("s3cr@t");
        assertThat(u.redacted()).isEqualTo("postgresql://alice:***@db.example:6543/orders?sslmode=require")
                .doesNotContain("s3cr");
        assertThat(u.toString()).doesNotContain("s3cr");
    }

    @Test
    void postgresSchemeAndNoUser() {
        PostgresUrl u = PostgresUrl.parse("postgres://localhost/test");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/test");
        assertThat(u.user()).isEmpty();
        assertThat(u.password()).isEmpty();
    }

    @Test
    void jdbcFormHidesThePasswordParameter() {
        PostgresUrl u = PostgresUrl.parse("jdbc:postgresql://h:5432/db?user=bob&password=hunter2&ssl=false");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db?user=bob&ssl=false");
        assertThat(u.password()).contains("hunter2");
        assertThat(u.user()).contains("bob");
        assertThat(u.redacted()).isEqualTo("jdbc:postgresql://h:5432/db?user=bob&password=***&ssl=false");
    }

    @Test
    void passwordAsLastParameter() {
        PostgresUrl u = PostgresUrl.parse("jdbc:postgresql://h/db?password=hunter2");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(u.redacted()).doesNotContain("hunter2");
    }

    @Test
    void badUrlsSayWhatToGiveWithoutThePassword() {
        assertThatThrownBy(() -> PostgresUrl.parse("mysql://root:topsecret@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a PostgreSQL URL")
                .hasMessageContaining("postgresql://user:pass@host:port/db")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> PostgresUrl.parse(" "))
                .hasMessageContaining("empty");
    }
}
