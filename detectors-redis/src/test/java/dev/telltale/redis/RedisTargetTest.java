package dev.telltale.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisTargetTest {

    @Test
    void passwordNeverShows() {
        try (RedisTarget t = RedisTarget.fromUrl("cache", "redis://:s3cret@127.0.0.1:6399/2")) {
            assertThat(t.toString()).doesNotContain("s3cret").contains("127.0.0.1:6399");
            assertThat(t.name()).isEqualTo("cache");
        }
        assertThatThrownBy(() -> RedisTarget.fromUrl("cache", "http://:s3cret@host:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cache").hasMessageContaining("redis://")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisTarget.fromUrl("cache", "redis://:s3cret@host:notaport"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void badNames() {
        assertThatThrownBy(() -> RedisTarget.fromUrl("", "redis://h:1")).hasMessageContaining("name");
        assertThatThrownBy(() -> RedisTarget.fromUrl("a b", "redis://h:1")).hasMessageContaining("'a b'");
    }

    @Test
    void detectorsPerTargetAndTopology() {
        try (RedisTarget a = RedisTarget.fromUrl("a", "redis://127.0.0.1:1"); RedisTarget b = RedisTarget.fromUrl("b", "redis://127.0.0.1:2")) {
            assertThat(RedisDetectors.forTarget(a)).extracting(d -> d.id()).containsExactly("redis.cache-efficiency", "redis.hot-keys",
                    "redis.big-keys", "redis.memory", "redis.slow-commands", "redis.latency", "redis.clients", "redis.replication",
                    "redis.persistence", "redis.cluster", "redis.ttl-hygiene", "redis.streams", "redis.namespaces");
            assertThat(RedisDetectors.forTarget(a)).allSatisfy(d -> assertThat(d.target()).isEqualTo("a"));
            assertThat(RedisDetectors.forTopology(java.util.List.of(a, b))).singleElement()
                    .satisfies(d -> assertThat(d.target()).isEqualTo("a+b"));
            assertThatThrownBy(() -> RedisDetectors.forTopology(java.util.List.of(a))).hasMessageContaining("two");
        }
    }
}
