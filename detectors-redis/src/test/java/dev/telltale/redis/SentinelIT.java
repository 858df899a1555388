package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.RedisServerProcess;
import dev.telltale.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Sentinel group (three sentinels, a master with a password and two replicas, all private processes on
 * loopback ports): found from one sentinel, silent while healthy; a killed master is objectively down, then a
 * real failover is followed to the new master; two stopped sentinels lose the quorum.
 */
@ExtendWith(RedisExtension.class)
class SentinelIT {
    private static final String PASSWORD = "s3cret-sentinel-it";
    private static final String MASTER = "mymaster";
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception ignored) {
                // the next one still has to stop
            }
        }
    }

    private <T extends AutoCloseable> T started(T resource) {
        started.add(resource);
        return resource;
    }

    private LocalRedis dataNode(Integer masterPort) {
        List<String> args = new ArrayList<>(List.of("--masterauth", PASSWORD,
                "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"));
        if (masterPort != null) {
            args.addAll(List.of("--replicaof", "127.0.0.1", String.valueOf(masterPort)));
        }
        LocalRedis r = started(LocalRedis.start(args.toArray(String[]::new)));
        // set after start: the helper's readiness check connects without a password
        r.redis().configSet("requirepass", PASSWORD);
        r.redis().auth(PASSWORD);
        return r;
    }

    /** A sentinel of the data nodes' password with short timeouts: s_down after 1 s, a failover within seconds. */
    private static RedisServerProcess sentinel(TestRedis redis, int masterPort, int quorum) {
        return redis.startSentinel(MASTER, masterPort, quorum, "--sentinel", "down-after-milliseconds", MASTER, "1000",
                "--sentinel", "failover-timeout", MASTER, "4000", "--sentinel", "auth-pass", MASTER, PASSWORD);
    }

    /** SENTINEL MASTER as a sentinel answers it, on a short-lived connection of the test's own. */
    private static Map<String, String> masterAsSeenBy(RedisServerProcess sentinel) {
        RedisClient client = RedisClient.create(RedisURI.create(sentinel.host(), sentinel.port()));
        try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel()) {
            return c.sync().master(MASTER);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static String address(RedisServerProcess p) {
        return "127.0.0.1:" + p.port();
    }

    /** Master, {@code replicas} replicas and three sentinels that know each other and every replica. */
    private List<RedisServerProcess> group(TestRedis redis, LocalRedis master, int replicas) {
        for (int i = 0; i < replicas; i++) {
            dataNode(master.port());
        }
        List<RedisServerProcess> sentinels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sentinels.add(sentinel(redis, master.port(), 2));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                sentinels.stream().map(SentinelIT::masterAsSeenBy).allMatch(m -> "2".equals(m.get("num-other-sentinels"))
                        && String.valueOf(replicas).equals(m.get("num-slaves"))));
        return sentinels;
    }

    private static Detector detector(List<Detector> all, String id) {
        return all.stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void healthyGroupIsSilentAndASentinelWithAnotherMasterDisagrees(TestRedis redis) throws Exception {
        LocalRedis master = dataNode(null);
        List<RedisServerProcess> sentinels = group(redis, master, 1);
        RedisTarget target = started(RedisTarget.fromSentinelUrl("cache", "redis-sentinel://:" + PASSWORD + "@127.0.0.1:"
                + sentinels.get(0).port() + "/" + MASTER + "?timeout=2s"));
        assertThat(target.toString()).doesNotContain(PASSWORD).contains("mymaster");
        assertThat(target.nodes()).extracting(RedisNode::role).containsExactly(RedisNode.Role.MASTER, RedisNode.Role.REPLICA);
        assertThat(target.nodes().get(0).address()).isEqualTo(master.address());

        List<Detector> all = RedisDetectors.forTarget(target);
        for (String id : List.of("redis.sentinel.master", "redis.sentinel.quorum", "redis.sentinel.agreement",
                "redis.sentinel.replicas", "redis.replication")) {
            Detection d = Runs.run(detector(all, id));
            assertThat(d.findings()).as(id).isEmpty();
        }
        Detection quorum = Runs.run(detector(all, "redis.sentinel.quorum"));
        assertThat(Runs.signal(quorum, "redis.sentinel.sentinels")).contains(3.0);
        assertThat(Runs.signal(quorum, "redis.sentinel.quorum_ok")).contains(1.0);
        assertThat(Runs.signal(Runs.run(detector(all, "redis.sentinel.master")), "redis.sentinel.master.odown")).contains(0.0);

        // one more sentinel, given with the others, that monitors another server under the same name
        LocalRedis other = dataNode(null);
        RedisServerProcess stray = sentinel(redis, other.port(), 1);
        RedisTarget both = started(RedisTarget.fromSentinelUrl("cache-both", "redis-sentinel://:" + PASSWORD + "@127.0.0.1:"
                + sentinels.get(0).port() + ",127.0.0.1:" + stray.port() + "/" + MASTER));
        Detection views = Runs.run(detector(RedisDetectors.forTarget(both), "redis.sentinel.agreement"), Map.of("for", "0s"));
        Finding f = views.findings().stream().findFirst().orElseThrow(() -> new AssertionError(views.toString()));
        assertThat(f.problem()).isEqualTo(Problem.SPLIT_BRAIN);
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.subject()).isEqualTo("master mymaster sentinel views");
        assertThat((String) f.evidence().get("addresses")).contains(master.address()).contains(other.address());
        assertThat(f.summary()).contains(address(stray));
        assertThat(views.findings()).hasSize(1);
        assertThat(Runs.signal(views, "redis.sentinel.master_addresses")).contains(2.0);
    }

    @Test
    void killedMasterIsDownThenFailedOverThenTwoStoppedSentinelsLoseTheQuorum(TestRedis redis) throws Exception {
        LocalRedis master = dataNode(null);
        List<RedisServerProcess> sentinels = group(redis, master, 2);
        RedisTarget target = started(RedisTarget.sentinel("orders-cache").sentinel("127.0.0.1", sentinels.get(0).port())
                .masterName(MASTER).password(PASSWORD).timeout(Duration.ofSeconds(2)).build());
        List<Detector> all = RedisDetectors.forTarget(target);
        Detector masterView = detector(all, "redis.sentinel.master");
        Detector quorum = detector(all, "redis.sentinel.quorum");
        Detector replicas = detector(all, "redis.sentinel.replicas");
        Detector replication = detector(all, "redis.replication");
        assertThat(Runs.run(masterView).findings()).isEmpty();
        assertThat(target.nodes()).hasSize(3);
        String oldMaster = master.address();

        long killedAt = System.nanoTime();
        started.remove(master);
        master.close();
        Finding down = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                Runs.finding(Runs.run(masterView), "down").orElse(null), f -> f != null && f.severity() == Severity.CRITICAL);
        long odownMs = (System.nanoTime() - killedAt) / 1_000_000;
        assertThat(down.problem()).isEqualTo(Problem.STALE_READ_AFTER_WRITE);
        assertThat(down.subject()).isEqualTo("master mymaster down");
        assertThat(down.summary()).contains("objectively down").contains(oldMaster);
        assertThat(down.evidence()).containsEntry("master", oldMaster).containsEntry("quorum", 2L);
        assertThat((String) down.evidence().get("sentinels_seeing_down")).isNotEmpty();
        assertThat(down.evidence()).containsKey("replicas_cut_off");
        // one finding for the cause: the replicas that lost this master are its victims, not findings of their own
        Detection victims = Runs.run(replication);
        assertThat(victims.findings()).as(victims.toString()).noneMatch(f -> f.subject().contains(oldMaster)
                || oldMaster.equals(f.evidence().get("master")));

        Finding failedOver = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                Runs.finding(Runs.run(masterView), "failover").orElse(null), f -> f != null && f.evidence().containsKey("to"));
        long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        String newMaster = (String) failedOver.evidence().get("to");
        assertThat(failedOver.severity()).isEqualTo(Severity.INFO);
        assertThat(failedOver.evidence()).containsEntry("from", oldMaster);
        assertThat(newMaster).isNotEqualTo(oldMaster);
        assertThat(Runs.finding(Runs.run(masterView), "down")).isEmpty();

        // the new master is the one the per-node detectors watch now
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(target.nodes().get(0).address()).isEqualTo(newMaster);
            assertThat(target.nodes().get(0).role()).isEqualTo(RedisNode.Role.MASTER);
            Detection d = Runs.run(replication);
            assertThat(Runs.signal(d, "redis.replication.replicas", newMaster, "master")).contains(1.0);
        });
        // the old master is now a replica the sentinels see down
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Detection d = Runs.run(replicas);
            Finding gone = Runs.finding(d, oldMaster).orElseThrow(() -> new AssertionError(d.toString()));
            assertThat(gone.severity()).isEqualTo(Severity.WARNING);
            assertThat(gone.subject()).isEqualTo("replica " + oldMaster + " of mymaster down");
            assertThat(Runs.signal(d, "redis.sentinel.replicas_down")).contains(1.0);
        });

        long stoppedAt = System.nanoTime();
        sentinels.get(1).close();
        sentinels.get(2).close();
        Detection lost = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> Runs.run(quorum),
                d -> Runs.finding(d, "quorum").filter(f -> f.severity() == Severity.CRITICAL).isPresent());
        long quorumMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        Finding q = Runs.finding(lost, "quorum").orElseThrow();
        assertThat(q.problem()).isEqualTo(Problem.SPLIT_BRAIN);
        assertThat(q.subject()).isEqualTo("master mymaster sentinel quorum");
        assertThat(q.evidence()).containsEntry("sentinels_known", 3).containsEntry("sentinels_answering", 1);
        assertThat((String) q.evidence().get("not_answering")).contains(address(sentinels.get(1))).contains(address(sentinels.get(2)));
        assertThat(lost.findings()).hasSize(1);
        assertThat(Runs.signal(lost, "redis.sentinel.quorum_ok")).contains(0.0);
        System.out.printf("SentinelIT: o_down finding %d ms after the kill, failover followed %d ms after it,"
                + " quorum lost %d ms after two sentinels stopped%n", odownMs, failoverMs, quorumMs);
    }
}
