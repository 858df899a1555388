package dev.telltale.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.cli.JsonContract;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.TestPostgres;
import dev.telltale.testkit.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verdicts a person can trust, from the real telltale.jar against the real servers: a dead target next to
 * one with a lock chain, several databases of one server checked together, groups, and pending findings.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrustIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private HeldSessions held;
    private TestPostgres pg;
    private TestRedis redis;
    private String deadRedis;

    @BeforeAll
    void induceLockChain(TestPostgres pg, TestRedis redis) throws Exception {
        this.pg = pg;
        this.redis = redis;
        deadRedis = "redis://:Sup3rSecret@127.0.0.1:" + closedPort();
        held = HeldSessions.stockLockChain(pg, 2);
    }

    @AfterAll
    void release() throws Exception {
        if (held != null) {
            held.close();
        }
    }

    private List<String> lockChainArgs(String... extra) {
        List<String> a = new ArrayList<>(List.of("check", "--postgres", "shop=" + pg.jdbcUrl(), "--redis", "cache=" + deadRedis,
                "--window", "1s", "--set", "postgres.lock-waits.warning=1s", "--set", "postgres.lock-waits.critical=2s",
                "--set", "postgres.long-running.enabled=false"));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void aDeadTargetIsOneUnknownLineAndTheLockChainIsStillReported() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, lockChainArgs().toArray(String[]::new));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.out()).startsWith("CRITICAL").contains("postgres.lock-waits on shop").contains("1 target down")
                .doesNotContain("Sup3rSecret");
        assertThat(r.out().lines().filter(l -> l.startsWith("UNKNOWN"))).singleElement().asString()
                .contains("redis target 'cache'");

        TelltaleJar.Result json = TelltaleJar.run(TIMEOUT, lockChainArgs("--format", "json").toArray(String[]::new));
        assertThat(json.code()).as(json.err()).isEqualTo(2);
        JsonNode report = JSON.readTree(json.out());
        JsonContract.check(report);
        assertThat(report.get("targets").findValuesAsText("state")).containsExactly("up", "down");
        assertThat(report.get("targets").get(1).get("reason").asText()).contains("cache").doesNotContain("Sup3rSecret");
        assertThat(runs(report)).anyMatch(s -> s.equals("postgres.lock-waits@shop")).noneMatch(s -> s.endsWith("@cache"));
    }

    @Test
    void twoDatabasesOfOneServerAndTwoRedisDbsGetEveryPerTargetDetectorEach() throws Exception {
        JsonNode report = sameServerTwice();
        List<String> runs = runs(report);
        for (String id : perTargetDetectors("postgres")) {
            assertThat(runs).as(id).contains(id + "@shop", id + "@billing");
        }
        for (String id : perTargetDetectors("redis")) {
            assertThat(runs).as(id).contains(id + "@r0", id + "@r1");
        }
        assertThat(runs).contains("postgres.topology@shop+billing", "redis.topology@r0+r1");
    }

    @Test
    void twoDatabasesOfOneServerAndTwoRedisDbsAreNoSplitBrain() throws Exception {
        JsonNode report = sameServerTwice();
        assertThat(StreamSupport.stream(report.get("findings").spliterator(), false)
                .map(f -> f.get("detector").asText() + ": " + f.get("summary").asText()))
                .as("two databases of one server are one lineage, not a split brain")
                .noneMatch(s -> s.contains(".topology"));
    }

    /** Two databases of the machine's PostgreSQL and two logical databases of its Redis, checked together. */
    private JsonNode sameServerTwice() throws Exception {
        TestPostgres billing = pg.newDatabase();
        int otherDb = redis.database() == 15 ? 14 : redis.database() + 1;
        String redis2 = redis.uri().replaceFirst("/\\d+$", "") + "/" + otherDb;
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "check", "--postgres", "shop=" + pg.jdbcUrl(),
                "--postgres", "billing=" + billing.jdbcUrl(), "--redis", "r0=" + redis.uri(), "--redis", "r1=" + redis2,
                "--window", "0s", "--format", "json");
        JsonNode report = JSON.readTree(r.out());
        JsonContract.check(report);
        return report;
    }

    @Test
    void aClusterNamingAnUnknownTargetIsOneLineAndExitThree() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, "check", "--postgres", "shop=" + pg.jdbcUrl(),
                "--cluster", "orders=shop,nope");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("--cluster orders").contains("'nope'");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aFindingSeenForLessThanItsForIsPendingAndNoHoldRaisesIt() throws Exception {
        List<String> args = new ArrayList<>(List.of("check", "--postgres", "shop=" + pg.jdbcUrl(), "--window", "1s",
                "--set", "postgres.lock-waits.warning=1s", "--set", "postgres.lock-waits.critical=2s",
                "--set", "postgres.lock-waits.for=10m", "--set", "postgres.long-running.enabled=false", "--format", "json"));
        TelltaleJar.Result held = TelltaleJar.run(TIMEOUT, args.toArray(String[]::new));
        JsonNode report = JSON.readTree(held.out());
        JsonContract.check(report);
        List<JsonNode> locks = StreamSupport.stream(report.get("findings").spliterator(), false)
                .filter(f -> f.get("detector").asText().equals("postgres.lock-waits")).toList();
        assertThat(locks).isNotEmpty().allMatch(f -> f.get("state").asText().equals("pending")
                && f.get("forSeconds").asDouble() == 600.0);
        assertThat(held.code()).as(held.out()).isNotEqualTo(2);

        args.add("--no-hold");
        TelltaleJar.Result counted = TelltaleJar.run(TIMEOUT, args.toArray(String[]::new));
        assertThat(counted.code()).as(counted.err()).isEqualTo(2);
        assertThat(JSON.readTree(counted.out()).get("findings").findValuesAsText("state")).containsOnly("firing");
    }

    private static List<String> runs(JsonNode report) {
        return StreamSupport.stream(report.get("runs").spliterator(), false)
                .map(n -> n.get("detector").asText() + "@" + n.get("target").asText()).toList();
    }

    /** The detectors that run on every target of a kind, as {@code telltale list} gives them. */
    private static Set<String> perTargetDetectors(String kind) throws Exception {
        TelltaleJar.Result list = TelltaleJar.run(TIMEOUT, "list", "--format", "json");
        return StreamSupport.stream(JSON.readTree(list.out()).get("detectors").spliterator(), false)
                .filter(d -> d.get("where").asText().equals(kind))
                .map(d -> d.get("id").asText())
                .filter(id -> id.startsWith(kind + ".") && !id.equals(kind + ".topology"))
                .collect(Collectors.toSet());
    }

    /** A loopback port nobody listens on: bound, then released. */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
