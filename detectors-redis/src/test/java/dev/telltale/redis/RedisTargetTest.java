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
                    "redis.persistence", "redis.cluster", "redis.ttl-hygiene", "redis.streams", "redis.security", "redis.recommendations",
                    "redis.namespaces");
            assertThat(RedisDetectors.forTarget(a)).allSatisfy(d -> assertThat(d.target()).isEqualTo("a"));
            assertThat(RedisDetectors.forTopology(java.util.List.of(a, b))).singleElement()
                    .satisfies(d -> assertThat(d.target()).isEqualTo("a+b"));
            assertThatThrownBy(() -> RedisDetectors.forTopology(java.util.List.of(a))).hasMessageContaining("two");
        }
    }

    @Test
    void sentinelUrls() {
        try (RedisTarget t = RedisTarget.fromSentinelUrl("cache",
                "redis-sentinel://:s3cret@10.0.0.1:26379,10.0.0.2,[::1]:26380/mymaster?timeout=500ms&sentinel-password=t0p")) {
            assertThat(t.toString()).doesNotContain("s3cret").doesNotContain("t0p").contains("mymaster").contains("10.0.0.2");
            assertThat(t.sentinelMaster()).contains("mymaster");
            assertThat(RedisDetectors.forTarget(t)).extracting(d -> d.id()).contains("redis.replication",
                    "redis.sentinel.master", "redis.sentinel.quorum", "redis.sentinel.agreement", "redis.sentinel.replicas");
        }
        try (RedisTarget plain = RedisTarget.fromUrl("a", "redis://127.0.0.1:1")) {
            assertThat(plain.sentinelMaster()).isEmpty();
        }
        assertThatThrownBy(() -> RedisTarget.fromSentinelUrl("cache", "redis-sentinel://:s3cret@10.0.0.1:26379"))
                .hasMessageContaining("master-name").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisTarget.fromSentinelUrl("cache", "redis-sentinel://:s3cret@h:1/m?timeout=0s"))
                .hasMessageContaining("timeout").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisTarget.fromSentinelUrl("cache", "redis-sentinel://h:1/m?sentinel-password=t0p&db=1"))
                .hasMessageContaining("unknown parameter 'db'").hasMessageNotContaining("t0p");
        assertThatThrownBy(() -> RedisTarget.sentinel("cache").masterName("m").build()).hasMessageContaining("at least one sentinel");
        assertThatThrownBy(() -> RedisTarget.sentinel("cache").sentinel("h", 1).build()).hasMessageContaining("master name");
    }
}
