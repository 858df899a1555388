package dev.telltale.redis.internal;

import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which endpoints redis.topology compares: only those replication links, one per server process. */
class EndpointTest {
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);
    private static final String C = "c".repeat(40);
    private static final String NONE = "0".repeat(40);

    @Test
    void unrelatedMastersAreTwoGroupsAndOneServerTwiceIsOneEndpoint() {
        List<Endpoint> endpoints = new ArrayList<>();
        Endpoint.of(node(6379), master("run1", A, NONE), "cache", endpoints);
        Endpoint.of(node(6379), master("run1", A, NONE), "cache-db1", endpoints);
        Endpoint.of(node(6380), master("run2", B, NONE), "sessions", endpoints);
        assertThat(endpoints).hasSize(2);
        assertThat(endpoints.get(0).targets).containsExactly("cache", "cache-db1");
        assertThat(Endpoint.groups(endpoints)).hasSize(2).allSatisfy(g -> assertThat(g).hasSize(1));
    }

    @Test
    void aReplicaIsLinkedByItsMasterAddressAndAPromotedOneByTheSharedHistory() {
        Endpoint.of(node(6379), master("run1", A, NONE), "orders", new ArrayList<>());
        List<Endpoint> linked = new ArrayList<>();
        Endpoint.of(node(6379), master("run1", A, NONE), "orders", linked);
        Endpoint.of(node(6380), RedisInfo.parse("# Server\nrun_id:run2\n# Replication\nrole:slave\nmaster_host:localhost\n"
                + "master_port:6379\nmaster_replid:" + A + "\nmaster_replid2:" + NONE + "\n"), "orders-replica", linked);
        assertThat(Endpoint.groups(linked)).singleElement().satisfies(g -> assertThat(g).hasSize(2));
        assertThat(linked.get(0).links).singleElement().asString().contains("replicates from");

        List<Endpoint> promoted = new ArrayList<>();
        Endpoint.of(node(6379), master("run1", A, NONE), "orders", promoted);
        Endpoint.of(node(6380), master("run2", C, A), "orders-replica", promoted);
        assertThat(Endpoint.groups(promoted)).singleElement().satisfies(g -> assertThat(g).hasSize(2));
        assertThat(promoted.get(0).links).singleElement().asString().contains("share replication id " + A);
    }

    private static RedisInfo master(String runId, String replid, String replid2) {
        return RedisInfo.parse("# Server\nrun_id:" + runId + "\n# Replication\nrole:master\nconnected_slaves:0\nmaster_replid:"
                + replid + "\nmaster_replid2:" + replid2 + "\n");
    }

    private static NodeClient node(int port) {
        return new NodeClient(new RedisNode("127.0.0.1", port, RedisNode.Role.MASTER, "127.0.0.1:" + port), null, Duration.ofSeconds(1));
    }
}
