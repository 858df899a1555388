package dev.telltale.cli;

import dev.telltale.cli.internal.TargetSpec;
import dev.telltale.core.DetectorEngine;
import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * For applications still on the Prometheus simpleclient (0.x): the same Telltale meters, registered into
 * the application's {@code CollectorRegistry} through {@code micrometer-registry-prometheus-simpleclient},
 * come out under the same names the shipped alert rules and dashboard use.
 */
class SimpleclientExampleTest {

    @Test
    void telltaleMetersInASimpleclientCollectorRegistry() throws Exception {
        // the application's existing registry, already scraped by its /metrics servlet
        CollectorRegistry collectorRegistry = new CollectorRegistry();

        // --- the example: five lines ---
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, collectorRegistry, Clock.SYSTEM);
        DetectorEngine engine = DetectorEngine.builder()
                .detectors(new FakeKind("postgres").open(List.of(TargetSpec.parse(new FakeKind("postgres"), "--postgres", "orders=fake://db/orders")), List.of(), java.util.Map.of()).detectors())
                .set("postgres.waits.critical", "10s").set("postgres.waits.interval", "50ms").build();
        engine.bindTo(registry);
        engine.start();
        // ---

        try (engine) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                StringWriter text = new StringWriter();
                TextFormat.write004(text, collectorRegistry.metricFamilySamples());
                assertThat(text.toString())
                        .contains("telltale_findings_active{detector=\"postgres.waits\",problem=\"performance/database-deadlocks\",severity=\"critical\",target=\"orders\",} 1.0")
                        .contains("telltale_detector_runs_seconds_count{")
                        .contains("telltale_fake_wait_longest_seconds{target=\"orders\",} 42.0");
            });
        }
    }
}
