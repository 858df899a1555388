package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionNotApplicableException;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.redis.internal.RedisTargetAccess;
import dev.telltale.redis.internal.Topology;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every command Telltale sends is told apart on the server, with the slowlog logging every command: those
 * of the target's connections (their first, HELLO, included), of the connections it opens afresh after a
 * timeout or Lettuce opens again after the server dropped them, of a reachability probe, and those its key
 * walk script calls. So redis.slow-commands finds nothing on a server only Telltale talks to, and still finds
 * another client's slow command.
 */
class OwnConnectionsIT {
    static final int KEYS = 20_000;

    @Test
    void aServerOnlyTelltaleTalksToHasNoSlowCommandsEvenWhenEveryCommandIsLogged() throws Exception {
        List<String> args = new ArrayList<>(List.of("--slowlog-log-slower-than", "0", "--slowlog-max-len", "1000000",
                "--maxmemory-policy", "allkeys-lfu"));
        if (!LocalRedis.embedded()) {
            args.addAll(List.of("--enable-debug-command", "local")); // 6.2 runs DEBUG without it and knows no such option
        }
        try (LocalRedis redis = LocalRedis.start(args.toArray(new String[0]));
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            RedisCommands<String, String> test = redis.redis();
            debug(test, "POPULATE", String.valueOf(KEYS));
            for (int i = 0; i < 200; i++) {
                test.hset("user:" + i, Map.of("name", "n" + i));
                test.xadd("events:" + i, Map.of("e", "1"));
                test.psetex("session:" + i, 600_000, "s");
            }
            String testClient = field(test.clientInfo(), "addr");
            test.slowlogReset();

            List<Detector> detectors = RedisDetectors.forTarget(target);
            Detector slow = detectors.stream().filter(d -> d.id().equals("redis.slow-commands")).findFirst().orElseThrow();
            runAll(detectors);

            // connections opened afresh after a command timeout
            RedisTargetAccess.reconnect(target);
            runAll(detectors);

            // connections the server dropped, which Lettuce opens again by itself
            Set<String> dropped = ownClients(test).keySet();
            assertThat(dropped).isNotEmpty();
            dropped.forEach(id -> test.clientKill(KillArgs.Builder.id(Long.parseLong(id))));
            await().atMost(Duration.ofSeconds(30)).until(() -> !ownClients(test).isEmpty()
                    && ownClients(test).keySet().stream().noneMatch(dropped::contains));
            runAll(detectors);
            probe(redis.url());

            // every command of a connection but the test's is named, or one the key walk script called
            List<List<?>> entries = slowlog(test);
            assertThat(entries).as("the script's own commands are logged under the script client")
                    .anyMatch(e -> String.valueOf(e.get(4)).startsWith("?:") && command(e).equals("type"));
            assertThat(entries).filteredOn(e -> !String.valueOf(e.get(4)).equals(testClient) && !String.valueOf(e.get(4)).startsWith("?:"))
                    .as("commands of Telltale's connections, HELLO first").isNotEmpty()
                    .allSatisfy(e -> assertThat(e.get(5)).as("client name of %s", e).isEqualTo(Topology.CLIENT_NAME))
                    .anyMatch(e -> command(e).equals("hello"));
            assertThat(entries).filteredOn(e -> command(e).equals("ping") && !String.valueOf(e.get(4)).equals(testClient))
                    .as("the probe's PING").isNotEmpty();

            // the test's own commands so far are another client's: read past them, then only Telltale talks
            Runs.run(slow);
            runAll(detectors);
            RedisTargetAccess.reconnect(target);
            runAll(detectors);
            probe(redis.url());
            Detection quiet = Runs.run(slow);
            assertThat(quiet.findings()).as("nothing but Telltale's own commands ran").isEmpty();
            assertThat(Runs.signal(quiet, "redis.slowlog.entries", redis.address())).contains(0.0);

            debug(test, "SLEEP", "0.05");
            Detection theirs = Runs.run(slow);
            Finding sleep = Runs.finding(theirs, "debug on " + redis.address()).orElseThrow();
            assertThat((Double) sleep.evidence().get("slowest_ms")).isGreaterThanOrEqualTo(50.0);
            assertThat(sleep.evidence()).containsEntry("slowest_client", testClient);
        }
    }

    /** Every detector of the target, once each, as a scheduled run does. */
    private static void runAll(List<Detector> detectors) throws Exception {
        for (Detector d : detectors) {
            try {
                Runs.run(d);
            } catch (DetectionNotApplicableException e) {
                // redis.cluster on a standalone server: it asked, and that is all
            }
        }
    }

    /** What the CLI's reachability probe does: one PING on a short-lived connection of Telltale's own. */
    private static void probe(String url) {
        RedisClient client = RedisClient.create(RedisTarget.ownConnection(RedisURI.create(url)));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().ping()).isEqualTo("PONG");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** Ids of the connections named as Telltale names its own, by their addresses. */
    private static Map<String, String> ownClients(RedisCommands<String, String> test) {
        return test.clientList().lines().filter(l -> (" " + l + " ").contains(" name=" + Topology.CLIENT_NAME + " "))
                .collect(Collectors.toMap(l -> field(l, "id"), l -> field(l, "addr")));
    }

    private static List<List<?>> slowlog(RedisCommands<String, String> test) {
        return test.slowlogGet(1_000_000).stream().<List<?>>map(e -> (List<?>) e).toList();
    }

    private static String command(List<?> entry) {
        List<?> args = (List<?>) entry.get(3);
        return args.isEmpty() ? "" : String.valueOf(args.get(0)).toLowerCase(java.util.Locale.ROOT);
    }

    private static String field(String clientLine, String name) {
        for (String f : clientLine.trim().split(" ")) {
            if (f.startsWith(name + "=")) {
                return f.substring(name.length() + 1);
            }
        }
        throw new IllegalStateException("no " + name + " in " + clientLine);
    }

    private static void debug(RedisCommands<String, String> test, String... args) {
        StringCodec codec = StringCodec.UTF8;
        CommandArgs<String, String> a = new CommandArgs<>(codec);
        for (String arg : args) {
            a.add(arg);
        }
        test.dispatch(CommandType.DEBUG, new StatusOutput<>(codec), a);
    }
}
