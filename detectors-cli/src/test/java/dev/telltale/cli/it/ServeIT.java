package dev.telltale.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.RedisExtension;
import dev.telltale.testkit.TestPostgres;
import dev.telltale.testkit.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code telltale serve} as a process: /metrics with telltale_ series, /findings as JSON, /health; stops on SIGTERM. */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class ServeIT {

    @Test
    void servesMetricsFindingsAndHealthAndStopsOnSigterm(TestPostgres pg, TestRedis redis) throws Exception {
        Process p = TelltaleJar.command("serve", "--port", "0", "--host", "127.0.0.1",
                        "--postgres", "shop=" + pg.jdbcUrl(), "--redis", "cache=" + redis.uri(),
                        "--set", "postgres.connections.interval=1s", "--runbook-base-url", "https://wiki.example.com/tt/")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String base = TelltaleJar.servingUrl(p);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> metrics = get(http, base + "/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
                assertThat(metrics.body()).contains("telltale_detector_runs_seconds_count{")
                        .contains("target=\"shop\"").contains("target=\"cache\"");
            });
            HttpResponse<String> findings = get(http, base + "/findings");
            assertThat(findings.statusCode()).isEqualTo(200);
            JsonNode json = new ObjectMapper().readTree(findings.body());
            assertThat(json.get("status").asText()).isIn("OK", "WARNING", "CRITICAL", "UNKNOWN");
            assertThat(json.get("targets")).hasSize(2);
            assertThat(json.get("findings").isArray()).isTrue();
            json.get("findings").forEach(f -> assertThat(f.get("runbook").asText())
                    .isEqualTo("https://wiki.example.com/tt/docs/runbooks/" + f.get("problem").asText() + ".md"));
            assertThat(json.get("runs").size()).isPositive();
            HttpResponse<String> health = get(http, base + "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\": \"UP\"");
            assertThat(get(http, base + "/nope").statusCode()).isEqualTo(404);
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook stops the server and the engine
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("telltale serve stops on SIGTERM").isTrue();
        }
    }

    @Test
    void aTargetThatIsDownAtStartDoesNotStopTheAgent(TestPostgres pg) throws Exception {
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        Process p = TelltaleJar.command("serve", "--port", "0", "--host", "127.0.0.1",
                        "--postgres", "shop=" + pg.jdbcUrl(), "--redis", "cache=redis://:Sup3rSecret@127.0.0.1:" + dead,
                        "--set", "postgres.connections.interval=1s")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String first = TelltaleJar.firstLine(p);
            Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(String.valueOf(first));
            assertThat(m.find()).as("first line: " + first).isTrue();
            assertThat(first).contains("redis cache (down: retrying)");
            String base = "http://127.0.0.1:" + m.group(1);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

            HttpResponse<String> health = get(http, base + "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode h = new ObjectMapper().readTree(health.body());
            assertThat(h.get("status").asText()).isEqualTo("UP");
            assertThat(h.get("targetsDown").asInt()).isEqualTo(1);
            assertThat(h.get("targets").get(0).get("state").asText()).isEqualTo("up");
            assertThat(h.get("targets").get(1).get("state").asText()).isEqualTo("down");
            assertThat(h.get("targets").get(1).get("reason").asText()).contains("cache").doesNotContain("Sup3rSecret");

            // the other target's detectors run; the down one's fail until it answers
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode findings = new ObjectMapper().readTree(get(http, base + "/findings").body());
                assertThat(findings.get("status").asText()).isEqualTo("UNKNOWN");
                assertThat(findings.get("targets").findValuesAsText("state")).containsExactly("up", "down");
                assertThat(findings.get("runs").findValuesAsText("target")).contains("shop", "cache");
                assertThat(StreamSupport.stream(findings.get("runs").spliterator(), false)
                        .filter(r -> r.get("target").asText().equals("shop"))).anyMatch(r -> r.get("outcome").asText().equals("ok"));
                findings.get("findings").forEach(f -> assertThat(f.get("state").asText()).isIn("pending", "firing"));
            });
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("telltale serve stops on SIGTERM").isTrue();
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
