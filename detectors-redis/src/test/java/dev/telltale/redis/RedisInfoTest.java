package dev.telltale.redis;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** INFO replies captured from real servers (src/test/resources/info): every section and field survives parsing. */
class RedisInfoTest {

    static String resource(String name) throws IOException {
        try (InputStream in = RedisInfoTest.class.getResourceAsStream("/info/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-6.2.txt", "redis-7.0.txt", "redis-7.0-master.txt", "redis-6.2-master.txt"})
    void keepsEverySectionAndField(String file) throws IOException {
        String text = resource(file);
        RedisInfo info = RedisInfo.parse(text);
        long headers = text.lines().filter(l -> l.startsWith("#")).count();
        long fields = text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
        assertThat(info.sections()).hasSize((int) headers);
        assertThat(info.sections().values().stream().mapToInt(java.util.Map::size).sum()).isEqualTo((int) fields);
        assertThat(info.section("server")).containsKeys("redis_version", "uptime_in_seconds", "tcp_port");
        assertThat(info.number("used_memory")).isPresent();
        assertThat(info.decimal("mem_fragmentation_ratio")).isPresent();
        assertThat(info.number("maxclients")).isPresent();
        assertThat(info.string("maxmemory_policy")).isPresent();
        assertThat(info.commandStats()).isNotEmpty();
        assertThat(info.commandStats().values()).allSatisfy(c -> assertThat(c.calls()).isPositive());
    }

    @Test
    void versionsAndVersionSpecificSections() throws IOException {
        RedisInfo v6 = RedisInfo.parse(resource("redis-6.2.txt"));
        RedisInfo v7 = RedisInfo.parse(resource("redis-7.0.txt"));
        assertThat(v6.versionNumber()).isEqualTo(602);
        assertThat(v7.versionNumber()).isEqualTo(700);
        assertThat(v6.latencyPercentiles()).isEmpty();
        assertThat(v7.latencyPercentiles()).isNotEmpty();
        assertThat(v7.latencyPercentiles().values().iterator().next()).containsKeys("p50", "p99", "p99.9");
        assertThat(v7.commandStats()).containsKey("config|get");
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-7.0-master.txt", "redis-6.2-master.txt"})
    void replicasAndKeyspaceOfAMaster(String file) throws IOException {
        RedisInfo info = RedisInfo.parse(resource(file));
        assertThat(info.isMaster()).isTrue();
        assertThat(info.replicas()).hasSize(1);
        RedisInfo.ReplicaLink r = info.replicas().get(0);
        assertThat(r.ip()).isEqualTo("127.0.0.1");
        assertThat(r.port()).isPositive();
        assertThat(r.state()).isEqualTo("online");
        assertThat(r.lagBytes()).isGreaterThanOrEqualTo(0);
        assertThat(info.keyspace()).containsKey(0);
        assertThat(info.totalKeys()).isEqualTo(info.keyspace().get(0).keys()).isPositive();
    }

    @Test
    void compositeAndMissingFields() {
        RedisInfo info = RedisInfo.parse("# Keyspace\r\ndb0:keys=10,expires=3,avg_ttl=1200\r\ndb3:keys=5,expires=0,avg_ttl=0\r\n");
        assertThat(info.totalKeys()).isEqualTo(15);
        assertThat(info.keyspace().get(0).expires()).isEqualTo(3);
        assertThat(info.fields("db0")).containsEntry("avg_ttl", "1200");
        assertThat(info.number("nope")).isEmpty();
        assertThat(info.numberOr0("nope")).isZero();
        assertThat(info.versionNumber()).isZero();
    }
}
