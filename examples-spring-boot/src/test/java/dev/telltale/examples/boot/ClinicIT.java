package dev.telltale.examples.boot;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The clinic as it runs in production, on a real PostgreSQL, driven over HTTP: what Telltale reports about it, on
 * /actuator/telltale and /actuator/prometheus, with nothing but the starter on the class path. One context for
 * the class; the pool has two connections so that twenty concurrent slow requests starve it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.hikari.maximum-pool-size=2",
        "telltale.detectors.jdbc.n-plus-one.interval=1s",
        "telltale.detectors.pool.saturation.pending.for=2s",
        "clinic.report.every=PT0.2S",
        // Boot 3.5 switches metrics export off in tests unless told; the Prometheus endpoint is part of what is checked
        "spring.test.observability.auto-configure=true"})
@DirtiesContext // closed with the class, before its database is dropped
class ClinicIT extends OnTestPostgres {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Value("${local.server.port}")
    private int port;

    @Test
    void theNPlusOnePageIsReportedWithItsRouteAndCallSiteAndTheHealthyPageIsNot() throws Exception {
        assertThat(JsonPath.<List<String>>read(get("/owners/1").body(), "$.pets")).hasSize(2);
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(get("/cities/springfield/owners").statusCode()).isEqualTo(200);
            assertThat(get("/owners/1").statusCode()).isEqualTo(200);
            List<Map<String, Object>> found = nPlusOnes("GET ");
            assertThat(found).hasSize(1);
            Map<String, Object> f = found.get(0);
            @SuppressWarnings("unchecked") Map<String, Object> evidence = (Map<String, Object>) f.get("evidence");
            assertThat(evidence.get("unit_of_work")).isEqualTo("GET /cities/{city}/owners");
            assertThat((String) evidence.get("call_site")).startsWith("dev.telltale.examples.boot.ClinicService.petCounts");
            assertThat((String) evidence.get("fingerprint")).contains("pets");
        });
        // the healthy page ran as often and raised nothing of its own
        assertThat(allFindings()).noneMatch(f -> String.valueOf(f).contains("/owners/{ownerId}"));
        // Boot meters its own task executor; executor.saturation reads it there instead of skipping
        assertThat(JsonPath.<List<String>>read(get("/actuator/telltale").body(),
                "$.runs[?(@.detector == 'executor.saturation')].outcome")).containsOnly("ok");
        assertThat(get("/actuator/prometheus").body())
                .contains("telltale_")
                .containsPattern("detector=\"jdbc.n-plus-one\"");
        healthIsUp();
    }

    @Test
    void theScheduledReportsNPlusOneIsReportedWithTheJobsName() throws Exception {
        await().atMost(PATIENCE).untilAsserted(() -> {
            List<Map<String, Object>> found = nPlusOnes("scheduled ");
            assertThat(found).hasSize(1);
            @SuppressWarnings("unchecked") Map<String, Object> evidence = (Map<String, Object>) found.get(0).get("evidence");
            assertThat(evidence.get("unit_of_work")).isEqualTo("scheduled ClinicJobs.nightlyReport");
            assertThat((String) evidence.get("call_site")).startsWith("dev.telltale.examples.boot.ClinicService.petCounts");
        });
    }

    @Test
    void twentyConcurrentRequestsOnAPoolOfTwoStarveItAndTheFindingNamesTheRoute() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService load = Executors.newFixedThreadPool(20);
        try {
            for (int i = 0; i < 20; i++) {
                load.submit(() -> {
                    while (!stop.get()) {
                        get("/reports/2026");
                    }
                    return null;
                });
            }
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(findings("pool.saturation"))
                    .anySatisfy(f -> {
                        assertThat((String) f.get("subject")).contains("dataSource");
                        assertThat((String) f.get("summary")).contains("GET /reports/{year}");
                    }));
            healthIsUp();
        } finally {
            stop.set(true);
            load.shutdown();
            assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(get("/actuator/prometheus").body()).containsPattern("detector=\"pool.saturation\"");
    }

    private void healthIsUp() throws IOException, InterruptedException {
        String health = get("/actuator/health").body();
        assertThat(JsonPath.<String>read(health, "$.status")).isEqualTo("UP");
        assertThat(JsonPath.<String>read(health, "$.components.telltale.status")).isEqualTo("UP");
    }

    /** The N+1 findings of the units whose names start so: web routes ("GET ") or scheduled jobs ("scheduled "). */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> nPlusOnes(String unitPrefix) throws IOException, InterruptedException {
        return findings("jdbc.n-plus-one").stream()
                .filter(f -> String.valueOf(((Map<String, Object>) f.get("evidence")).get("unit_of_work")).startsWith(unitPrefix))
                .toList();
    }

    private List<Map<String, Object>> findings(String detector) throws IOException, InterruptedException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> f : allFindings()) {
            if (detector.equals(f.get("detector"))) {
                out.add(f);
            }
        }
        return out;
    }

    private List<Map<String, Object>> allFindings() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/actuator/telltale");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<List<Object>>read(r.body(), "$.runs")).isNotEmpty();
        return JsonPath.read(r.body(), "$.findings");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
