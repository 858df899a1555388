package dev.telltale.spring;

import dev.telltale.core.Alert;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.jvm.TelltaleJvm;
import dev.telltale.spring.internal.ReactiveUnits;
import io.micrometer.context.ContextRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.http.codec.CodecsAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.reactor.ReactorAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.HttpHandlerAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.ReactiveWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.WebFluxAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
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
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WebFlux exchanges are units of work named by their route template, carried to the {@code boundedElastic} threads
 * that run their blocking JDBC: an N+1 there is reported with the route, a healthy route stays silent.
 */
class WebFluxUnitsTest {
    private static final String PETS = "GET /owners/{ownerId}/pets";
    private static final String OWNERS = "GET /owners";

    private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TelltaleAutoConfiguration.class));

    @Test
    void aReactiveApplicationGetsTheFilterAndItsAccessor() {
        reactive.run(ctx -> {
            assertThat(ctx).hasSingleBean(ReactiveUnits.class);
            String key = ctx.getBean(ReactiveUnits.class).key();
            assertThat(ContextRegistry.getInstance().getThreadLocalAccessors()).anyMatch(a -> a.key().equals(key));
        });
    }

    @Test
    void theAccessorLeavesWithTheContext() {
        String[] key = new String[1];
        reactive.run(ctx -> key[0] = ctx.getBean(ReactiveUnits.class).key());
        assertThat(ContextRegistry.getInstance().getThreadLocalAccessors()).noneMatch(a -> a.key().equals(key[0]));
    }

    @Test
    void noReactiveUnitsWhenTurnedOffWithoutContextPropagationOrOnServlets() {
        reactive.withPropertyValues("telltale.web.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(ReactiveUnits.class));
        reactive.withClassLoader(new FilteredClassLoader(ContextRegistry.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(ReactiveUnits.class));
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(TelltaleAutoConfiguration.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(ReactiveUnits.class));
    }

    @Test
    void anNPlusOneOnBoundedElasticIsReportedWithTheRouteAndTheHealthyRouteIsSilent() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(Clinic.class)
                .web(WebApplicationType.REACTIVE)
                .properties("server.port=0", "spring.reactor.context-propagation=auto", "telltale.target=clinic",
                        "telltale.detectors.jdbc.n-plus-one.interval=1s",
                        "spring.datasource.url=jdbc:h2:mem:webflux-clinic;DB_CLOSE_DELAY=-1")
                .run()) {
            String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 5; i++) {
                assertThat(get(http, base + "/owners/" + (i % 2 + 1) + "/pets")).isEqualTo(200);
                assertThat(get(http, base + "/owners")).isEqualTo(200);
            }
            assertThat(body(http, base + "/units/7")).as("named by its route while it runs").isEqualTo("GET /units/{id}");
            DetectorEngine engine = app.getBean(DetectorEngine.class);
            Finding f = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> reported(engine, PETS), Optional::isPresent).orElseThrow();
            assertThat(f.evidence()).containsEntry("unit_of_work", PETS);
            assertThat(f.subject()).isEqualTo(PETS + ": select name from pets where id = ?");
            assertThat(reported(engine, OWNERS)).isEmpty();
            assertThat(engine.activeAlerts()).map(Alert::finding).filteredOn(n -> n.detector().equals("jdbc.n-plus-one"))
                    .extracting(Finding::subject).containsExactly(PETS + ": select name from pets where id = ?");
        }
    }

    private static int get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String body(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Optional<Finding> reported(DetectorEngine engine, String unit) {
        return engine.activeAlerts().stream().map(Alert::finding).filter(f -> f.subject().startsWith(unit + ":")).findFirst();
    }

    /** Boot 3.5's names; the starter's test classpath also holds a Boot 4 module, so nothing is auto-discovered. */
    @SpringBootConfiguration
    @ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, ReactorAutoConfiguration.class,
            ReactiveWebServerFactoryAutoConfiguration.class, HttpHandlerAutoConfiguration.class,
            CodecsAutoConfiguration.class, WebFluxAutoConfiguration.class, DataSourceAutoConfiguration.class,
            JdbcTemplateAutoConfiguration.class, TelltaleAutoConfiguration.class})
    static class Clinic {
        /** Pets one by one (the N+1) and the owners in one statement, both blocking JDBC on {@code boundedElastic}. */
        @Bean
        RouterFunction<ServerResponse> clinicRoutes(JdbcTemplate jdbc, TelltaleJvm telltale) {
            jdbc.execute("create table if not exists pets(id int primary key, owner_id int, name varchar(40))");
            jdbc.execute("merge into pets key(id) values (1,1,'Leo'),(2,1,'Basil'),(3,1,'Rosy'),(4,1,'Jewel'),"
                    + "(5,1,'Iggy'),(6,1,'George'),(7,2,'Max'),(8,2,'Samantha'),(9,2,'Lucky'),(10,2,'Mulligan')");
            return RouterFunctions.route()
                    .GET("/owners/{ownerId}/pets", req -> blocking(() -> {
                        List<Integer> ids = jdbc.queryForList("select id from pets where owner_id = ?", Integer.class,
                                Integer.parseInt(req.pathVariable("ownerId")));
                        return ids.stream().map(id -> jdbc.queryForObject("select name from pets where id = ?",
                                String.class, id)).toList();
                    }))
                    .GET("/owners", req -> blocking(() -> jdbc.queryForList("select distinct owner_id from pets")))
                    .GET("/units/{id}", req -> blocking(() -> telltale.currentUnit().name()))
                    .build();
        }

        private static Mono<ServerResponse> blocking(Callable<?> work) {
            return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic())
                    .flatMap(body -> ServerResponse.ok().bodyValue(String.valueOf(body)));
        }
    }
}
