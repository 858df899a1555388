package dev.telltale.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.RedisServerProcess;
import dev.telltale.testkit.TestPostgres;
import dev.telltale.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code telltale check} as a process against a real PostgreSQL with a lock chain held open and a real
 * Redis with one key hammered: both are reported and the status is CRITICAL (exit 2), as a table, JSON and a Nagios
 * line; and {@code watch} over the same targets in a terminal.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private HeldSessions held;
    private RedisServerProcess redisServer;
    private RedisClient redisClient;
    private String postgresUrl;
    private volatile boolean hammering = true;

    @BeforeAll
    void induceLockChainAndHotKey(TestPostgres pg, TestRedis redis) throws Exception {
        postgresUrl = pg.jdbcUrl();
        held = HeldSessions.stockLockChain(pg, 2);

        // hot keys are sampled with LFU counters: a private server with an LFU policy (the shared one stays untouched)
        redisServer = redis.startServer("--maxmemory-policy", "allkeys-lfu", "--lfu-decay-time", "1");
        redisClient = RedisClient.create(redisServer.uri());
        try (StatefulRedisConnection<String, String> c = redisClient.connect()) {
            for (int i = 0; i < 200; i++) {
                c.sync().set("product:" + i, "{\"price\":" + i + "}");
            }
        }
        for (int t = 0; t < 2; t++) {
            threads.submit(() -> {
                try (StatefulRedisConnection<String, String> c = redisClient.connect()) {
                    int i = 0;
                    while (hammering) {
                        c.sync().get("product:42");
                        if (++i % 25 == 0) {
                            c.sync().get("product:" + (i % 200));
                        }
                    }
                }
                return null;
            });
        }
    }

    @AfterAll
    void release() throws Exception {
        hammering = false;
        if (held != null) {
            held.close();
        }
        threads.shutdown();
        threads.awaitTermination(30, TimeUnit.SECONDS);
        if (redisClient != null) {
            redisClient.shutdown();
        }
        if (redisServer != null) {
            redisServer.close();
        }
    }

    private String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("check", "--postgres", "shop=" + postgresUrl, "--redis", "cache=" + redisServer.uri(),
                "--window", "2s",
                "--set", "postgres.lock-waits.warning=1s", "--set", "postgres.lock-waits.critical=2s"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void tableReportShowsTheLockChainAndTheHotKeyAndExitsTwo() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, args());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.out()).startsWith("CRITICAL")
                .contains("postgres.lock-waits on shop")
                .contains("redis.hot-keys on cache")
                .contains("hint:");
        assertThat(r.out()).doesNotContain("\u001b[");
        // a standalone Redis has no cluster: one quiet line and a count, not a skip and not a warning
        assertThat(r.out()).contains("n/a      redis.cluster on cache: ").contains("is not a cluster node")
                .contains("not applicable").doesNotContain("skipped  redis.cluster");
        assertThat(r.err()).doesNotContain("redis.cluster");
    }

    @Test
    void jsonParsesAndHasTheDocumentedShape() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, args("--format", "json"));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("status").asText()).isEqualTo("CRITICAL");
        assertThat(json.get("targets")).hasSize(2);
        List<JsonNode> findings = StreamSupport.stream(json.get("findings").spliterator(), false).toList();
        JsonNode lock = findings.stream().filter(f -> f.get("detector").asText().equals("postgres.lock-waits")).findFirst().orElseThrow();
        assertThat(lock.get("problem").asText()).isEqualTo("performance/database-deadlocks");
        assertThat(lock.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(lock.get("target").asText()).isEqualTo("shop");
        assertThat(lock.fieldNames()).toIterable().containsExactly("detector", "problem", "severity", "target",
                "subject", "summary", "evidence", "hint", "runbook", "state");
        assertThat(lock.get("runbook").asText())
                .isEqualTo("https://github.com/telltale-dev/telltale/blob/main/docs/runbooks/performance/database-deadlocks.md");
        assertThat(findings).anyMatch(f -> f.get("detector").asText().equals("redis.hot-keys")
                && f.get("target").asText().equals("cache"));
        JsonNode run = json.get("runs").get(0);
        assertThat(run.fieldNames()).toIterable().containsExactly("detector", "target", "outcome", "reason", "durationMs", "queuedMs",
                "signals");
        assertThat(json.get("runs").size()).isGreaterThanOrEqualTo(4);
        JsonNode waiting = StreamSupport.stream(json.get("runs").spliterator(), false)
                .filter(n -> n.get("detector").asText().equals("postgres.lock-waits")).findFirst().orElseThrow()
                .get("signals");
        assertThat(StreamSupport.stream(waiting.spliterator(), false)
                .filter(s -> s.get("name").asText().equals("postgres.locks.waiting_sessions"))
                .mapToDouble(s -> s.get("value").asDouble()).max().orElse(0)).as(waiting.toString()).isGreaterThanOrEqualTo(2);
        assertThat(StreamSupport.stream(json.get("runs").spliterator(), false)
                .filter(x -> x.get("detector").asText().equals("redis.cluster")).findFirst().orElseThrow()
                .get("outcome").asText()).isEqualTo("not-applicable");
    }

    @Test
    void nagiosIsOnePluginLineWithTheLockWaitsInItsPerformanceData() throws Exception {
        TelltaleJar.Result r = TelltaleJar.run(TIMEOUT, args("--format", "nagios"));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        String line = r.out().strip();
        assertThat(line).doesNotContain("\n").startsWith("TELLTALE CRITICAL - ").contains(" | ");
        Matcher perf = Pattern.compile("'shop postgres\\.locks\\.waiting_sessions'=([0-9]+)").matcher(line);
        assertThat(perf.find()).as(line).isTrue();
        assertThat(Integer.parseInt(perf.group(1))).isGreaterThanOrEqualTo(2);
        String data = line.substring(line.indexOf(" | ") + 3);
        assertThat(data.split(" (?=')")).allMatch(p -> p.matches("'[^'=]+'=-?[0-9]+(\\.[0-9]+)?[a-zA-Z%]*"));
    }

    /**
     * watch in a real 80x24 terminal (tmux): the report of the lock chain is longer than the screen, yet the status line
     * and the CRITICAL lock chain are on it; Ctrl-C exits 0 and gives the screen back.
     */
    @Test
    void watchFitsAnEightyByTwentyFourTerminalAndCtrlCExitsZero(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("tmux", "-V").start().waitFor() == 0, "tmux is installed");
        String socket = "telltale-it-" + ProcessHandle.current().pid();
        Path exit = dir.resolve("exit");
        List<String> watch = new ArrayList<>(TelltaleJar.command(args()).command());
        watch.set(watch.indexOf("check"), "watch");
        watch.addAll(List.of("--interval", "1s"));
        String shell = "TERM=xterm-256color " + String.join(" ", watch.stream().map(CheckIT::quote).toList())
                + "; echo $? > " + quote(exit.toString());
        TmuxPane tmux = new TmuxPane(socket);
        try {
            // bash, not sh: on Ctrl-C bash waits for its child and goes on when the child exits normally
            tmux.run("new-session", "-d", "-x", "80", "-y", "24", "-s", "watch", "bash -c " + quote(shell + "; sleep 600"));
            await().atMost(TIMEOUT).until(() -> tmux.capture().contains("telltale:"));
            await().atMost(TIMEOUT).until(() -> tmux.capture().contains("postgres.lock-waits on shop"));
            String screen = tmux.capture();
            List<String> lines = screen.lines().toList();
            assertThat(lines.size()).as(screen).isLessThanOrEqualTo(24);
            assertThat(lines.get(0)).as(screen).startsWith("CRITICAL").contains("telltale:");
            assertThat(lines).as(screen).allMatch(l -> l.length() <= 80);
            assertThat(screen).contains("more lines");
            tmux.run("send-keys", "-t", "watch", "C-c");
            await().atMost(TIMEOUT).until(() -> Files.exists(exit) && !Files.readString(exit).isBlank());
            assertThat(Files.readString(exit).strip()).isEqualTo("0");
            assertThat(tmux.capture()).as("the report went with the alternate screen").doesNotContain("telltale:");
        } finally {
            tmux.run("kill-server");
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }

    /** A private tmux server (its own socket), so the test touches no one's sessions. */
    private record TmuxPane(String socket) {
        void run(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
            cmd.addAll(List.of(args));
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(30, TimeUnit.SECONDS);
        }

        String capture() throws Exception {
            Process p = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-t", "watch").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return text.stripTrailing();
        }
    }
}
