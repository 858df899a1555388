package dev.telltale.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import dev.telltale.testkit.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** How operators run telltale: targets and flags from TELLTALE_* variables, JSON logs, their own logback file. */
@ExtendWith(RedisExtension.class)
class OperationsIT {

    @Test
    void targetsAndFlagsComeFromTheEnvironment(TestRedis redis) throws Exception {
        ProcessBuilder pb = TelltaleJar.command("check", "--window", "0s");
        pb.environment().put("TELLTALE_REDIS", "cache=" + redis.uri() + " other=" + redis.uri());
        pb.environment().put("TELLTALE_FORMAT", "json");
        TelltaleJar.Result r = run(pb);
        assertThat(r.code()).as(r.err()).isBetween(0, 3);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("targets").findValuesAsText("name")).containsExactly("cache", "other");
    }

    @Test
    void everyCommandACheckSendsCarriesTelltalesName(TestRedis redis) throws Exception {
        // the slowlog logs every command: the probe's, the detectors' and those the key walk script calls
        try (RedisServerProcess server = redis.startServer("--slowlog-log-slower-than", "0", "--slowlog-max-len", "1000000")) {
            RedisClient admin = RedisClient.create("redis://" + server.host() + ":" + server.port());
            try (StatefulRedisConnection<String, String> c = admin.connect()) {
                for (int i = 0; i < 500; i++) {
                    c.sync().set("k:" + i, "v");
                }
                String self = c.sync().clientInfo().replaceAll("(?s).*\\baddr=(\\S+).*", "$1");
                c.sync().slowlogReset();
                TelltaleJar.Result r = run(TelltaleJar.command("check", "--window", "0s", "--format", "json",
                        "--redis", "cache=redis://127.0.0.1:" + server.port()));
                assertThat(r.code()).as(r.err()).isBetween(0, 2);
                JsonNode json = new ObjectMapper().readTree(r.out());
                // one pass reads the slowlog as it is: the only slow command there that is not the check's is this
                // test's own SLOWLOG RESET (every command is slow at threshold 0)
                assertThat(json.get("findings")).filteredOn(f -> f.get("detector").asText().equals("redis.slow-commands"))
                        .allSatisfy(f -> {
                            assertThat(f.at("/evidence/entries").asInt()).as("slow commands in %s", f).isEqualTo(1);
                            assertThat(f.at("/evidence/slowest_client").asText()).as("client in %s", f).isEqualTo(self);
                        });

                List<List<?>> theirs = c.sync().slowlogGet(1_000_000).stream().<List<?>>map(e -> (List<?>) e)
                        .filter(e -> !e.get(4).equals(self) && !String.valueOf(e.get(4)).startsWith("?:")).toList();
                assertThat(theirs).as("the check's commands").isNotEmpty()
                        .allSatisfy(e -> assertThat(e.get(5)).as("client name of %s", e).isEqualTo("telltale"));
                assertThat(theirs).extracting(e -> String.valueOf(((List<?>) e.get(3)).get(0)).toLowerCase(java.util.Locale.ROOT))
                        .as("the probe's HELLO and PING are among them").contains("hello", "ping");
            } finally {
                admin.shutdown();
            }
        }
    }

    @Test
    void passwordsComeFromFilesAndVariablesWhateverTheyHold(TestRedis redis, @TempDir Path dir) throws Exception {
        String password = "p/@ss:w0rd?#x";
        try (RedisServerProcess server = redis.startServer()) {
            // the password is set once the server answers (the test kit checks a new server with a PING)
            RedisClient admin = RedisClient.create("redis://" + server.host() + ":" + server.port());
            try (StatefulRedisConnection<String, String> c = admin.connect()) {
                c.sync().configSet("requirepass", password);
            } finally {
                admin.shutdown();
            }
            Path file = dir.resolve("redis-password");
            Files.writeString(file, password + "\n");
            ProcessBuilder fromFile = TelltaleJar.command("check", "--window", "0s", "--format", "json",
                    "--redis", "cache=redis://:${file:" + file + "}@127.0.0.1:" + server.port());
            TelltaleJar.Result r = run(fromFile);
            assertThat(r.code()).as(r.err()).isBetween(0, 2);
            assertThat(new ObjectMapper().readTree(r.out()).get("targets").get(0).get("state").asText()).isEqualTo("up");
            assertThat(r.out() + r.err()).doesNotContain("w0rd");

            ProcessBuilder fromEnv = TelltaleJar.command("check", "--window", "0s", "--format", "json");
            fromEnv.environment().put("TELLTALE_REDIS", "cache=redis://:${REDIS_PASSWORD}@127.0.0.1:" + server.port());
            fromEnv.environment().put("REDIS_PASSWORD", password);
            r = run(fromEnv);
            assertThat(r.code()).as(r.err()).isBetween(0, 2);
            assertThat(r.out() + r.err()).doesNotContain("w0rd");

            // a wrong one: the target is down, and the message shows no part of either password
            fromEnv.environment().put("REDIS_PASSWORD", "wr0ng/@pass");
            r = run(fromEnv);
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.out() + r.err()).doesNotContain("w0rd").doesNotContain("wr0ng");
        }
    }

    @Test
    void serveLogsJsonLinesAtTheGivenLevel(TestRedis redis, @TempDir Path dir) throws Exception {
        Path err = dir.resolve("err.log");
        Process p = TelltaleJar.command("serve", "--web.listen-address", "127.0.0.1:0", "--redis", "cache=" + redis.uri(),
                        "--log-format", "json", "--log-level", "info")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(err).contains("engine started"));
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(p.exitValue()).isZero();
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(err);
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            assertThat(n.has("level")).as(line).isTrue();
            assertThat(n.has("formattedMessage")).as(line).isTrue();
        }
        assertThat(lines).anyMatch(l -> l.contains("\"INFO\"") && l.contains("telltale engine started"));
    }

    @Test
    void aUsersLogbackConfigurationIsHonoured(TestRedis redis, @TempDir Path dir) throws Exception {
        Path config = dir.resolve("logback.xml");
        Path log = dir.resolve("telltale.log");
        Files.writeString(config, """
                <configuration>
                  <appender name="file" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>MINE %%level %%logger - %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="file"/></root>
                </configuration>
                """.formatted(log));
        List<String> cmd = new ArrayList<>(TelltaleJar.command().command());
        cmd.add(1, "-Dlogback.configurationFile=" + config);
        cmd.addAll(List.of("serve", "--web.listen-address", "127.0.0.1:0", "--redis", "cache=" + redis.uri()));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(log) && Files.readString(log).contains("MINE INFO"));
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static TelltaleJar.Result run(ProcessBuilder pb) throws Exception {
        Path out = Files.createTempFile("telltale-out", ".txt");
        Path err = Files.createTempFile("telltale-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
            return new TelltaleJar.Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
