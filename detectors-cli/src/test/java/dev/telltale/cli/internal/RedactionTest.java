package dev.telltale.cli.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

    @Test
    void urlsLoseTheirPasswords() {
        assertThat(Redaction.url("postgresql://alice:s3cret@db:5432/shop")).isEqualTo("postgresql://alice:***@db:5432/shop");
        assertThat(Redaction.url("redis://:s3cret@cache:6379/0")).isEqualTo("redis://:***@cache:6379/0");
        assertThat(Redaction.url("jdbc:postgresql://db/shop?user=alice&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/shop?user=alice&password=***&ssl=true");
        assertThat(Redaction.url("redis://cache:6379")).isEqualTo("redis://cache:6379");
    }

    @Test
    void rememberedPasswordsVanishFromAnyMessage() {
        Redaction.remember("postgresql://bob:pa%24%24word@db/x");
        assertThat(Redaction.message("FATAL: password authentication failed (tried pa$$word)"))
                .isEqualTo("FATAL: password authentication failed (tried ***)");
    }

    @Test
    void targetNamesDefaultToHostPortAndDatabase() {
        assertThat(TargetSpec.parse(new PostgresKind(), "--postgres", "jdbc:postgresql://db.internal:5433/shop?user=x").name()).isEqualTo("db.internal:5433:shop");
        assertThat(TargetSpec.parse(new RedisKind(), "--redis", "redis://:pw@cache:6379/2").name()).isEqualTo("cache:6379");
        assertThat(TargetSpec.parse(new RedisKind(), "--redis", "sessions=redis://cache:6379").name()).isEqualTo("sessions");
        assertThat(TargetSpec.parse(new RedisKind(), "--redis", "redis://:pw@cache:6379").toString()).doesNotContain("pw@");
    }
}
