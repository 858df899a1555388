package dev.telltale.cli;

import dev.telltale.cli.internal.MetricsServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsServerTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void servesMetricsFindingsHealthAndStopsListeningWhenClosed() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("telltale.example").description("an example").register(registry).increment();
        MetricsServer server = new MetricsServer("127.0.0.1", 0, registry, () -> "{\"status\": \"OK\"}",
                () -> new MetricsServer.Health(false, "{\"status\": \"DOWN\"}"));
        String base = "http://127.0.0.1:" + server.port();
        try {
            HttpResponse<String> metrics = get(base + "/metrics", "GET");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(metrics.body()).contains("telltale_example_total 1.0");
            assertThat(get(base + "/findings", "GET").body()).isEqualTo("{\"status\": \"OK\"}");
            HttpResponse<String> health = get(base + "/health", "GET");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(get(base + "/health/live", "GET").statusCode()).isEqualTo(503);
            assertThat(get(base + "/health/ready", "GET").statusCode()).isEqualTo(503);
            assertThat(get(base + "/health/other", "GET").statusCode()).isEqualTo(404);
            assertThat(get(base + "/other", "GET").statusCode()).isEqualTo(404);
            assertThat(get(base + "/metrics", "POST").statusCode()).isEqualTo(405);
        } finally {
            server.close();
        }
        assertThatThrownBy(() -> get(base + "/metrics", "GET")).isInstanceOf(ConnectException.class);
    }

    @Test
    void livenessAndReadinessAnswerApart() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsServer server = new MetricsServer(new java.net.InetSocketAddress("127.0.0.1", 0), registry,
                new MetricsServer.Endpoints(() -> "{}", () -> new MetricsServer.Health(true, "{\"status\": \"UP\"}"),
                        () -> new MetricsServer.Health(true, "{\"status\": \"UP\"}"),
                        () -> new MetricsServer.Health(false, "{\"status\": \"DOWN\"}")));
        try {
            String base = "http://127.0.0.1:" + server.port();
            assertThat(get(base + "/health", "GET").statusCode()).isEqualTo(200);
            assertThat(get(base + "/health/live", "GET").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(base + "/health/ready", "GET");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("DOWN");
        } finally {
            server.close();
        }
    }

    private HttpResponse<String> get(String url, String method) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
