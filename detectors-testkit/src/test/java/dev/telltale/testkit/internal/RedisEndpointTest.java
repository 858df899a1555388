package dev.telltale.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisEndpointTest {

    @Test
    void parsesPlainUrl() {
        RedisEndpoint e = RedisEndpoint.parse("redis://127.0.0.1:6379");
        assertThat(e).isEqualTo(new RedisEndpoint("127.0.0.1", 6379, "", ""));
        assertThat(e.uri(3)).isEqualTo("redis://127.0.0.1:6379/3");
    }

    @Test
    void parsesPasswordAndUserAndIgnoresDatabase() {
        assertThat(RedisEndpoint.parse("redis://:pw@h:7000/5")).isEqualTo(new RedisEndpoint("h", 7000, "", "pw"));
        RedisEndpoint acl = RedisEndpoint.parse("redis://bob:pw@h");
        assertThat(acl).isEqualTo(new RedisEndpoint("h", 6379, "bob", "pw"));
        assertThat(acl.redacted()).isEqualTo("redis://bob:***@h:6379");
    }

    @Test
    void rejectsOtherSchemes() {
        assertThatThrownBy(() -> RedisEndpoint.parse("http://h:1")).hasMessageContaining("redis://");
    }
}
