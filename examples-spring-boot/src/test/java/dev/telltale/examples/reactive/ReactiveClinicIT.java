package dev.telltale.examples.reactive;

import dev.telltale.core.Alert;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.examples.boot.OnTestPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same starter in a WebFlux application (a package of its own: ClinicIT finds the clinic's configuration by
 * scanning its package, which must hold one), on a real PostgreSQL and over real HTTP (on Boot 4 here and on Boot 3.5
 * in examples-spring-boot3): blocking JDBC on {@code boundedElastic} counts towards the exchange's unit, so the
 * route that looks rows up one by one is reported with its route template, and the one that reads them at once is not.
 */
@SpringBootTest(classes = ReactiveClinicIT.Clinic.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.main.web-application-type=reactive", "spring.reactor.context-propagation=auto",
                "spring.jpa.hibernate.ddl-auto=none", "clinic.seed=false",
                "telltale.detectors.jdbc.n-plus-one.interval=1s"})
@DirtiesContext
class ReactiveClinicIT extends OnTestPostgres {
    private static final String ONE_BY_ONE = "GET /relations/{schema}";
    private static final String AT_ONCE = "GET /relations";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Value("${local.server.port}")
    private int port;

    @Autowired
    private DetectorEngine engine;

    @Test
    void blockingJdbcOnBoundedElasticIsReportedWithTheRouteTemplateAndTheHealthyRouteIsSilent() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(get("/relations/pg_catalog")).isEqualTo(200);
            assertThat(get("/relations")).isEqualTo(200);
            assertThat(nPlusOnes()).extracting(f -> f.evidence().get("unit_of_work")).containsExactly(ONE_BY_ONE);
        });
        Finding f = nPlusOnes().get(0);
        assertThat(f.subject()).startsWith(ONE_BY_ONE + ": ");
        assertThat((String) f.evidence().get("call_site")).startsWith(ReactiveClinicIT.class.getName());
        assertThat(nPlusOnes()).noneMatch(n -> n.subject().startsWith(AT_ONCE + ":"));
    }

    private List<Finding> nPlusOnes() {
        return engine.activeAlerts().stream().map(Alert::finding).filter(n -> n.detector().equals("jdbc.n-plus-one")).toList();
    }

    private int get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Only the routes below and what Boot configures; nothing of the clinic is scanned. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Clinic {
        @Bean
        RouterFunction<ServerResponse> relationRoutes(JdbcTemplate jdbc) {
            return RouterFunctions.route()
                    .GET("/relations/{schema}", req -> blocking(() -> {
                        List<Long> oids = jdbc.queryForList("select c.oid::bigint from pg_class c join pg_namespace n"
                                + " on n.oid = c.relnamespace where n.nspname = ? order by c.oid limit 12", Long.class,
                                req.pathVariable("schema"));
                        return oids.stream().map(oid -> jdbc.queryForObject(
                                "select relname::text from pg_class where oid = ?::oid", String.class, oid)).toList();
                    }))
                    .GET("/relations", req -> blocking(() -> jdbc.queryForList(
                            "select relname::text from pg_class order by oid limit 12", String.class)))
                    .build();
        }

        private static Mono<ServerResponse> blocking(Callable<?> work) {
            return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic())
                    .flatMap(body -> ServerResponse.ok().bodyValue(String.valueOf(body)));
        }
    }
}
