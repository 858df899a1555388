package dev.telltale.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgEndpointTest {

    @Test
    void parsesJdbcUrlWithUserInQuery() {
        PgEndpoint e = PgEndpoint.parse("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
        assertThat(e).isEqualTo(new PgEndpoint("127.0.0.1", 5432, "postgres", "postgres", ""));
        assertThat(e.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    }

    @Test
    void parsesLibpqUriWithCredentials() {
        PgEndpoint e = PgEndpoint.parse("postgresql://alice:s%40cret@db.example:6543/app");
        assertThat(e).isEqualTo(new PgEndpoint("db.example", 6543, "app", "alice", "s@cret"));
        assertThat(e.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/app?user=alice&password=s%40cret");
        assertThat(e.redacted()).doesNotContain("s@cret").contains("password=***");
    }

    @Test
    void defaultsPortAndDatabase() {
        assertThat(PgEndpoint.parse("postgres://localhost")).isEqualTo(new PgEndpoint("localhost", 5432, "postgres", "postgres", ""));
    }

    @Test
    void rejectsOtherSchemesNamingTheExpectedForms() {
        assertThatThrownBy(() -> PgEndpoint.parse("mysql://localhost/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql://");
    }
}
