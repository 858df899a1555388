package dev.telltale.redis;

import dev.telltale.redis.internal.NodeClient;
import dev.telltale.redis.internal.RedisTargetAccess;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** INFO from a live master and replica (Redis 7 from the machine, or the bundled 6.2) and node discovery. */
class InfoParsingIT {

    @Test
    void parsesLiveInfoAndDiscoversTheReplica() throws Exception {
        try (LocalRedis master = LocalRedis.start("--repl-diskless-sync-delay", "0");
             LocalRedis replica = LocalRedis.start("--replicaof", "127.0.0.1", String.valueOf(master.port()))) {
            master.redis().mset(java.util.Map.of("a", "1", "b", "2"));
            master.redis().get("a");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(RedisInfo.parse(master.redis().info("replication")).replicas())
                            .singleElement().satisfies(r -> assertThat(r.state()).isEqualTo("online")));
            String text = master.redis().info("all");
            RedisInfo info = RedisInfo.parse(text);
            long fields = text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
            assertThat(info.sections().values().stream().mapToInt(java.util.Map::size).sum()).isEqualTo((int) fields);
            assertThat(info.version()).startsWith(LocalRedis.embedded() ? "6.2" : "7.");
            assertThat(info.sections()).containsKeys("server", "clients", "memory", "persistence", "stats", "replication",
                    "cpu", "commandstats", "keyspace");
            if (info.versionNumber() >= 700) {
                assertThat(info.latencyPercentiles()).containsKey("get");
            }
            assertThat(info.commandStats().get("mset").calls()).isEqualTo(1);
            assertThat(info.replicas()).singleElement().satisfies(r -> assertThat(r.port()).isEqualTo(replica.port()));

            try (RedisTarget fromMaster = RedisTarget.fromUrl("m", master.url());
                 RedisTarget fromReplica = RedisTarget.fromUrl("r", replica.url())) {
                assertThat(fromMaster.nodes()).extracting(RedisNode::address, n -> n.role().label())
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(master.address(), "master"),
                                org.assertj.core.groups.Tuple.tuple(replica.address(), "replica"));
                assertThat(fromReplica.nodes()).extracting(RedisNode::address)
                        .containsExactlyInAnyOrder(master.address(), replica.address());
                NodeClient node = RedisTargetAccess.nodeClients(fromMaster).get(0);
                assertThat(node.sync().clientGetname()).isEqualTo("telltale");
            }
            try (RedisTarget borrowed = RedisTarget.fromClient("app", master.client())) {
                assertThat(borrowed.nodes()).extracting(RedisNode::role).containsExactly(RedisNode.Role.MASTER);
            }
            assertThat(master.redis().ping()).isEqualTo("PONG"); // the borrowed client is still usable
        }
    }
}
