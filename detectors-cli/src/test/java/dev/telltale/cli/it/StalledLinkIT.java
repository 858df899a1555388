package dev.telltale.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.StallingProxy;
import dev.telltale.testkit.TestPostgres;
import dev.telltale.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A link to the watched server that stalls (a proxy stops forwarding, closing nothing) and comes back:
 * {@code serve} reports the target down within a bound and keeps answering scrapes, then reports it up and
 * runs its detectors again on a new connection once the link returns; {@code check} ends within a bound.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class StalledLinkIT {
    /** Down within: a run's command or network timeout, the 1 s failed-run watch and a probe's timeout. */
    private static final Duration DETECT = Duration.ofSeconds(45);
    private static final Duration RECOVER = Duration.ofSeconds(45);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void redisLinkThatStallsIsReportedDownThenRecoversOnANewConnection(TestRedis redis) throws Exception {
        try (StallingProxy proxy = new StallingProxy(redis.host(), redis.port())) {
            stallAndRecover(proxy, () -> redisSessions(redis, proxy), "redis", "cache", "redis.cache-efficiency",
                    "--redis", "cache=redis://127.0.0.1:" + proxy.port(),
                    "--set", "redis.cache-efficiency.interval=1s");
        }
    }

    @Test
    void postgresLinkThatStallsIsReportedDownThenRecoversOnANewConnection(TestPostgres pg) throws Exception {
        try (StallingProxy proxy = new StallingProxy(pg.host(), pg.port())) {
            stallAndRecover(proxy, () -> postgresSessions(pg, proxy), "postgres", "shop", "postgres.connections",
                    "--postgres", "shop=" + viaProxy(pg, proxy),
                    "--set", "postgres.connections.interval=1s");
        }
    }

    @Test
    void checkOverAStalledLinkEndsWithinItsTimeouts(TestRedis redis, TestPostgres pg) throws Exception {
        try (StallingProxy r = new StallingProxy(redis.host(), redis.port());
             StallingProxy p = new StallingProxy(pg.host(), pg.port())) {
            r.stall();
            p.stall();
            long started = System.nanoTime();
            TelltaleJar.Result result = TelltaleJar.run(Duration.ofSeconds(60), "check", "--window", "0s",
                    "--redis", "cache=redis://127.0.0.1:" + r.port(), "--postgres", "shop=" + viaProxy(pg, p));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.printf("check over two stalled links ended in %d ms with exit %d%n", took.toMillis(), result.code());
            assertThat(result.code()).isEqualTo(3);
            assertThat(result.err().strip()).doesNotContain("\n").contains("cache").contains("shop");
        }
    }

    private void stallAndRecover(StallingProxy proxy, Callable<Set<Long>> ownSessions, String kind, String target, String detector, String... args)
            throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "serve";
        cmd[1] = "--web.listen-address";
        cmd[2] = "127.0.0.1:0";
        System.arraycopy(args, 0, cmd, 3, args.length);
        Process p = TelltaleJar.command(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String up = "telltale_target_up{kind=\"" + kind + "\",target=\"" + target + "\"} 1.0";
        String down = "telltale_target_up{kind=\"" + kind + "\",target=\"" + target + "\"} 0.0";
        try {
            String base = TelltaleJar.servingUrl(p);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(metrics(base)).contains(up);
                assertThat(lastOutcome(base, detector, target)).isEqualTo("ok");
            });
            Set<Long> before = ownSessions.call();
            assertThat(before).as("telltale's sessions through the proxy").isNotEmpty();

            proxy.stall();
            long stalled = System.nanoTime();
            await().atMost(DETECT).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(metrics(base)).contains(down));
            long detected = System.nanoTime();
            HttpResponse<String> ready = get(base + "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"state\":\"down\"");

            proxy.resume();
            long resumed = System.nanoTime();
            await().atMost(RECOVER).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(metrics(base)).contains(up);
                assertThat(get(base + "/health/ready").statusCode()).isEqualTo(200);
            });
            long recovered = System.nanoTime();
            // the detector runs again, and cleanly: the next of its 1 s runs ends ok
            await().atMost(RECOVER).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(lastOutcome(base, detector, target)).isEqualTo("ok"));
            // on new sessions: the stalled ones were given up, not waited for
            Set<Long> after = ownSessions.call();
            assertThat(after).as("telltale's sessions through the proxy after the stall").isNotEmpty()
                    .doesNotContainAnyElementsOf(before);
            System.out.printf("%s: down %d ms after the stall, up %d ms after the link returned%n", kind,
                    TimeUnit.NANOSECONDS.toMillis(detected - stalled), TimeUnit.NANOSECONDS.toMillis(recovered - resumed));
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("telltale serve stops on SIGTERM").isTrue();
        }
        assertThat(p.exitValue()).as("exit status after SIGTERM").isZero();
    }

    /** Client ids of the sessions named telltale that came through the proxy. */
    private static Set<Long> redisSessions(TestRedis redis, StallingProxy proxy) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            Set<Integer> ports = proxy.upstreamPorts();
            Set<Long> ids = new HashSet<>();
            for (String line : c.sync().clientList().split("\n")) {
                Matcher id = Pattern.compile("^id=(\\d+)").matcher(line);
                Matcher port = Pattern.compile("\\baddr=[^ ]*:(\\d+)").matcher(line);
                if (line.contains(" name=telltale ") && id.find() && port.find() && ports.contains(Integer.parseInt(port.group(1)))) {
                    ids.add(Long.parseLong(id.group(1)));
                }
            }
            return ids;
        } finally {
            client.shutdown();
        }
    }

    /** Backend pids of the sessions named telltale that came through the proxy. */
    private static Set<Long> postgresSessions(TestPostgres pg, StallingProxy proxy) throws SQLException {
        Set<Integer> ports = proxy.upstreamPorts();
        Set<Long> pids = new HashSet<>();
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select pid, client_port from pg_stat_activity where application_name = 'telltale'")) {
            while (rs.next()) {
                if (ports.contains(rs.getInt(2))) {
                    pids.add(rs.getLong(1));
                }
            }
        }
        return pids;
    }

    private static String viaProxy(TestPostgres pg, StallingProxy proxy) {
        String password = pg.password().isEmpty() ? "" : ":" + pg.password();
        return "postgresql://" + pg.user() + password + "@127.0.0.1:" + proxy.port() + "/" + pg.database();
    }

    private String metrics(String base) throws Exception {
        HttpResponse<String> r = get(base + "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private String lastOutcome(String base, String detector, String target) throws Exception {
        JsonNode runs = new ObjectMapper().readTree(get(base + "/findings").body()).get("runs");
        for (JsonNode run : runs) {
            if (run.get("detector").asText().equals(detector) && run.get("target").asText().equals(target)) {
                return run.get("outcome").asText();
            }
        }
        return "none";
    }

    /**
     * A scrape answers whatever the link does: the agent never waits on its targets to answer one (the bound is
     * a loaded machine's, where a JVM that just started may take seconds to serve its first JSON).
     */
    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
