package dev.telltale.cli;

import com.sun.net.httpserver.HttpServer;
import dev.telltale.cli.internal.TargetSpec;
import dev.telltale.core.DetectorEngine;
import io.micrometer.core.instrument.Clock;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What reaches an OpenTelemetry receiver through Micrometer's OTLP registry: the name and unit of every metric,
 * decoded from the protobuf export a local receiver is sent. The detector-run timer arrives in milliseconds by
 * default, which an OTLP-to-Prometheus translation names {@code telltale_detector_runs_milliseconds_*}, where
 * the shipped rules and dashboard read {@code telltale_detector_runs_seconds_*}; with {@code baseTimeUnit}
 * seconds it arrives in seconds, as they expect.
 */
class OtlpExportTest {
    private HttpServer receiver;
    /** Metric name to unit, as last received. */
    private final Map<String, String> units = new ConcurrentHashMap<>();
    private final Map<String, Metric.DataCase> types = new ConcurrentHashMap<>();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/metrics", exchange -> {
            try (InputStream body = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
                request.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList().forEach(sm -> sm.getMetricsList()
                        .forEach(m -> {
                            units.put(m.getName(), m.getUnit());
                            types.put(m.getName(), m.getDataCase());
                        })));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void byDefaultTheRunTimerArrivesInMilliseconds() throws Exception {
        export(Map.of());
        assertThat(units).containsEntry("telltale.detector.runs", "milliseconds");
        assertThat(types).containsEntry("telltale.detector.runs", Metric.DataCase.HISTOGRAM);
    }

    /** The configuration the README gives OpenTelemetry users: the names and units the Prometheus rules read. */
    @Test
    void withBaseTimeUnitSecondsItArrivesInSeconds() throws Exception {
        export(Map.of("otlp.baseTimeUnit", "seconds"));
        assertThat(units).containsEntry("telltale.detector.runs", "seconds");
        assertThat(types).containsEntry("telltale.detector.runs", Metric.DataCase.HISTOGRAM);
        // a signal keeps its declared unit whatever the time unit: a translation appends it, as Prometheus's registry does
        assertThat(units).containsEntry("telltale.fake.wait.longest", "seconds");
    }

    private void export(Map<String, String> extra) throws Exception {
        Map<String, String> config = new java.util.HashMap<>(extra);
        config.put("otlp.url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics");
        config.put("otlp.step", "1s");
        OtlpMeterRegistry registry = new OtlpMeterRegistry((OtlpConfig) config::get, Clock.SYSTEM);
        FakeKind kind = new FakeKind("postgres");
        try (DetectorEngine engine = DetectorEngine.builder().detectors(kind.open(
                List.of(TargetSpec.parse(kind, "--postgres", "fake://db/x")), List.of(), Map.of()).detectors()).build()) {
            engine.bindTo(registry);
            engine.runOnce(Duration.ZERO);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(units).containsKeys("telltale.detector.runs", "telltale.fake.wait.longest"));
        } finally {
            registry.close();
        }
    }
}
