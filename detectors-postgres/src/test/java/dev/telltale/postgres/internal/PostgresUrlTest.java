package dev.telltale.postgres.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresUrlTest {

    /** Parses {@code url} and checks the JDBC URL without the password, and the user and password kept apart. */
    private static PostgresUrl parsed(String url, String jdbcUrl, String user, String password) {
        PostgresUrl u = PostgresUrl.parse(url);
        assertThat(u.jdbcUrl()).isEqualTo(jdbcUrl);
        assertThat(u.user()).contains(user);
        assertThat(u.password()).contains(password);
        return u;
    }

    @Test
    void libpqFormKeepsThePasswordApart() {
        PostgresUrl u = parsed("postgresql://alice:s3cr%40t@db.example:6543/orders?sslmode=require",
                "jdbc:postgresql://db.example:6543/orders?sslmode=require", "alice", "s3cr@t");
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
        PostgresUrl u = parsed("jdbc:postgresql://h:5432/db?user=bob&password=hunter2&ssl=false",
                "jdbc:postgresql://h:5432/db?user=bob&ssl=false", "bob", "hunter2");
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
