package dev.telltale.jvm.http;

import com.sun.net.httpserver.HttpServer;
import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.testkit.DetectorHarness;
import dev.telltale.testkit.TelltaleAssertions;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.java11.instrument.binder.jdk.DefaultHttpClientObservationConvention;
import io.micrometer.java11.instrument.binder.jdk.HttpClientContext;
import io.micrometer.java11.instrument.binder.jdk.MicrometerHttpClient;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** The JDK HttpClient, instrumented by micrometer-java11, against a local server that answers 429. */
class ThrottlingDetectorTest {
    private HttpServer server;
    private final AtomicInteger limited = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // an edge that lets one request in ten through
        server.createContext("/limited", exchange -> {
            boolean through = limited.incrementAndGet() % 10 == 0;
            if (!through) {
                exchange.getResponseHeaders().add("Retry-After", "7");
            }
            exchange.sendResponseHeaders(through ? 200 : 429, -1);
            exchange.close();
        });
        server.createContext("/ok", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }


    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Micrometer's JDK client convention, plus the remote host as {@code client.name} (as Spring's clients tag it). */
    static final class WithHost extends DefaultHttpClientObservationConvention {
        @Override
        public KeyValues getLowCardinalityKeyValues(HttpClientContext context) {
            return super.getLowCardinalityKeyValues(context)
                    .and("client.name", context.getCarrier().build().uri().getHost());
        }
    }

    private HttpClient instrumented(SimpleMeterRegistry meters) {
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        return MicrometerHttpClient.instrumentationBuilder(HttpClient.newHttpClient(), meters)
                .observationRegistry(observations)
                .customObservationConvention(new WithHost())
                .uriMapper(r -> r.uri().getPath())
                .build();
    }

    /**
     * The meter-based detector's report over 100 requests through the instrumented client, request {@code i}
     * to {@code path(i)}, after a baseline pass taken before the first.
     */
    private Detection reportOver100Requests(SimpleMeterRegistry meters, IntFunction<String> path) throws Exception {
        HttpClient client = instrumented(meters);
        Detector detector = HttpDetectors.throttling("app", meters);
        DetectorHarness.of(detector).baselinePass();
        for (int i = 0; i < 100; i++) {
            client.send(HttpRequest.newBuilder(uri(path.apply(i))).build(), HttpResponse.BodyHandlers.discarding());
        }
        return DetectorHarness.of(detector).reportPass();
    }

    @Test
    void anEdgeAnswering429FiresFromTheHttpClientMeters() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Detection d = reportOver100Requests(meters, i -> i % 2 == 0 ? "/limited" : "/ok");

        assertThat(meters.get("http.client.requests").tag("status", "429").timer().count()).isEqualTo(45);
        assertThat(d.findings()).singleElement().satisfies(f -> {
            assertThat(f.problem()).isEqualTo(Problem.CDN_LIMITS);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.subject()).isEqualTo("host 127.0.0.1");
            assertThat(f.evidence()).containsEntry("requests", 100L).containsEntry("status-429", 45L).containsEntry("share-429", 0.45);
        });
        TelltaleAssertions.assertThat(d).hasSignal("http.client.throttled", 45, "429");
    }

    @Test
    void theRecorderCarriesRetryAfter() throws Exception {
        ThrottlingRecorder recorder = new ThrottlingRecorder();
        Detector detector = HttpDetectors.throttling("app", recorder);
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 50; i++) {
            recorder.record(client.send(HttpRequest.newBuilder(uri("/limited")).build(), HttpResponse.BodyHandlers.discarding()));
        }

        Detection d = DetectorHarness.of(detector).reportPass();

        Finding f = d.findings().get(0);
        assertThat(f.subject()).isEqualTo("host 127.0.0.1:" + server.getAddress().getPort());
        assertThat(f.evidence()).containsEntry("status-429", 45L).containsEntry("max-retry-after", "7s");
        assertThat(ThrottlingRecorder.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).hasValue(Duration.ZERO);
        assertThat(ThrottlingRecorder.retryAfter("soon")).isEmpty();
    }

    @Test
    void healthyTrafficRaisesNothing() throws Exception {
        Detection d = reportOver100Requests(new SimpleMeterRegistry(), i -> "/ok");

        assertThat(d.findings()).isEmpty();
    }
}
