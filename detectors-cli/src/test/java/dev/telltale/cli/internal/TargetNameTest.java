package dev.telltale.cli.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one naming rule of every target kind, explicit and default. */
class TargetNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"shop", "orders-db", "db.internal:5432:shop", "cache_1", "A", "9lives"})
    void explicitNamesOfLettersDigitsAndDotUnderscoreColonDashAreKept(String name) {
        assertThat(TargetName.explicit(name, "--postgres", name + "=postgresql://db/x")).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "shop@eu", "a/b", "a=b", "my shop", "-shop", ".shop", ":shop", "_shop", "caf\u00e9"})
    void otherNamesAreOneLineNamingTheFlagTheValueAndTheRule(String name) {
        assertThatThrownBy(() -> TargetName.explicit(name, "--redis", name + "=redis://cache:6379"))
                .isInstanceOf(CliException.class)
                .hasMessage("--redis: bad target name '" + name + "' (a name matches [A-Za-z0-9][A-Za-z0-9_.:-]* and has at most"
                        + " 63 characters, no '@', '/', '=' or spaces) in '" + name + "=redis://cache:6379'");
    }

    @Test
    void explicitNamesHaveAtMost63Characters() {
        assertThat(TargetName.isValid("a".repeat(63))).isTrue();
        assertThat(TargetName.isValid("a".repeat(64))).isFalse();
    }

    @Test
    void defaultNamesAreHostPortAndTheDatabaseWhenThereIsOne() {
        assertThat(TargetName.derived("db", 5432, Optional.of("shop"))).isEqualTo("db:5432:shop");
        assertThat(TargetName.derived("cache", 6379, Optional.empty())).isEqualTo("cache:6379");
        assertThat(TargetName.derived("cache", 6379, Optional.of(""))).isEqualTo("cache:6379");
    }

    @Test
    void defaultNamesFollowTheRuleToo() {
        assertThat(TargetName.derived("[::1]", 5432, Optional.of("shop"))).isEqualTo("ipv6-::1:5432:shop");
        assertThat(TargetName.derived("db", 5432, Optional.of("my shop"))).isEqualTo("db:5432:my_shop");
        String longHost = "a-very-long-endpoint-name.abcdefghijkl.eu-west-1.rds.amazonaws.com";
        String name = TargetName.derived(longHost, 5432, Optional.of("orders"));
        assertThat(name).hasSize(63).startsWith("a-very-long-endpoint-name.");
        for (String n : new String[]{name, TargetName.derived("[fe80::1%25eth0]", 6379, Optional.empty())}) {
            assertThat(TargetName.isValid(n)).as(n).isTrue();
        }
    }

    @Test
    void eachKindNamesItsUrlsByTheRule() {
        PostgresKind pg = new PostgresKind();
        RedisKind redis = new RedisKind();
        assertThat(TargetSpec.parse(pg, "--postgres", "postgresql://u:pw@127.0.0.1/postgres").name()).isEqualTo("127.0.0.1:5432:postgres");
        assertThat(TargetSpec.parse(pg, "--postgres", "jdbc:postgresql://db:5433/shop?user=x").name()).isEqualTo("db:5433:shop");
        assertThat(TargetSpec.parse(pg, "--postgres", "postgresql://db").name()).isEqualTo("db:5432");
        assertThat(TargetSpec.parse(redis, "--redis", "redis://cache").name()).isEqualTo("cache:6379");
        assertThat(TargetSpec.parse(redis, "--redis", "rediss://:pw@cache:6380/3").name()).isEqualTo("cache:6380");
        assertThat(TargetSpec.parse(redis, "--redis", "sessions=redis://cache").name()).isEqualTo("sessions");
    }

    @Test
    void aBadNameIsReportedWithoutThePassword() {
        assertThatThrownBy(() -> TargetSpec.parse(new PostgresKind(), "--postgres", "shop@eu=postgresql://alice:s3cret@db/shop"))
                .isInstanceOf(CliException.class)
                .hasMessageStartingWith("--postgres: bad target name 'shop@eu' (")
                .hasMessageEndingWith(" in 'shop@eu=postgresql://alice:***@db/shop'")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> TargetSpec.parse(new RedisKind(), "--redis", "=redis://cache"))
                .hasMessageContaining("bad target name ''");
    }
}
