package dev.telltale.spring;

import com.zaxxer.hikari.HikariDataSource;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorEngine;
import dev.telltale.jvm.TelltaleJvm;
import dev.telltale.jvm.internal.NPlusOneDetector;
import dev.telltale.jvm.internal.PoolSaturationDetector;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.redis.RedisTarget;
import dev.telltale.spring.internal.Boot3Health;
import dev.telltale.spring.internal.Boot4Health;
import dev.telltale.spring.internal.EngineLifecycle;
import dev.telltale.spring.internal.MeterBinding;
import dev.telltale.spring.internal.RouteUnits;
import dev.telltale.spring.internal.SettingsFailureAnalyzer;
import dev.telltale.spring.internal.TelltaleEndpoint;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class TelltaleAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TelltaleAutoConfiguration.class));

    @Test
    void everythingIsThereByDefaultOnTheApplicationsName() {
        runner.withPropertyValues("spring.application.name=shop").run(ctx -> {
            assertThat(ctx).hasSingleBean(TelltaleJvm.class).hasSingleBean(DetectorEngine.class)
                    .hasSingleBean(EngineLifecycle.class).hasSingleBean(MeterBinding.class)
                    .hasSingleBean(TaskDecorator.class).hasSingleBean(TelltaleEndpoint.class);
            assertThat(ctx.getBean(TelltaleJvm.class).target()).isEqualTo("shop");
            assertThat(ctx.getBean(EngineLifecycle.class).isRunning()).isTrue();
            assertThat(ctx).doesNotHaveBean(RouteUnits.class).doesNotHaveBean(PostgresTarget.class);
        });
    }

    @Test
    void targetPropertyWinsOverTheApplicationNameAndAppIsTheLastResort() {
        runner.withPropertyValues("spring.application.name=shop", "telltale.target=orders")
                .run(ctx -> assertThat(ctx.getBean(TelltaleJvm.class).target()).isEqualTo("orders"));
        runner.run(ctx -> assertThat(ctx.getBean(TelltaleJvm.class).target()).isEqualTo("app"));
    }

    @Test
    void disabledMeansNoBeanAtAll() {
        runner.withPropertyValues("telltale.enabled=false").run(ctx -> assertThat(ctx)
                .doesNotHaveBean(TelltaleJvm.class).doesNotHaveBean(DetectorEngine.class).doesNotHaveBean(TaskDecorator.class));
    }

    @Test
    void withoutTheLibraryNothingIsConfigured() {
        runner.withClassLoader(new FilteredClassLoader(TelltaleJvm.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(DetectorEngine.class));
    }

    @Test
    void detectorSettingsReachTheEngineAndATargetsOwnValueWins() {
        runner.withPropertyValues("telltale.target=shop", "telltale.detectors.jdbc.n-plus-one.min-count=7",
                "telltale.detectors.pool.saturation.pending.for=2s", "telltale.targets.shop.jdbc.n-plus-one.critical-count=30")
                .run(ctx -> {
                    DetectorEngine engine = ctx.getBean(DetectorEngine.class);
                    Detector nPlusOne = ctx.getBean(TelltaleJvm.class).detector("jdbc.n-plus-one");
                    assertThat(engine.settingsOf(nPlusOne).get(NPlusOneDetector.MIN_COUNT)).isEqualTo(7L);
                    assertThat(engine.settingsOf(nPlusOne).get(NPlusOneDetector.CRITICAL_COUNT)).isEqualTo(30L);
                    assertThat(engine.settingsOf(ctx.getBean(TelltaleJvm.class).detector("pool.saturation"))
                            .get(PoolSaturationDetector.PENDING_FOR)).isEqualTo(Duration.ofSeconds(2));
                });
    }

    @Test
    void aValueOutOfRangeStopsTheContextNamingPropertyValueAndRule() {
        runner.withPropertyValues("telltale.detectors.jdbc.n-plus-one.min-count=1").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(rootMessage(ctx.getStartupFailure()))
                    .contains("telltale.detectors.jdbc.n-plus-one.min-count=1").contains("below the minimum 2");
        });
    }

    @Test
    void theFailureIsAnalysedAsABadProperty() {
        runner.withPropertyValues("telltale.detectors.jdbc.n-plus-one.min-count=1").run(ctx -> {
            FailureAnalysis analysis = new SettingsFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(analysis.getDescription()).startsWith("Telltale refuses telltale.detectors.jdbc.n-plus-one.min-count=1: ");
            assertThat(analysis.getAction()).contains("telltale.detectors.jdbc.n-plus-one.min-count");
        });
    }

    @Test
    void aRuleBrokenBetweenTwoSettingsStopsTheContext() {
        runner.withPropertyValues("telltale.detectors.jdbc.n-plus-one.min-count=30",
                "telltale.detectors.jdbc.n-plus-one.critical-count=20").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(rootMessage(ctx.getStartupFailure())).contains("telltale.detectors.jdbc.n-plus-one").contains("critical-count");
        });
    }

    @Test
    void anUnknownSettingOrTargetStopsTheContext() {
        runner.withPropertyValues("telltale.detectors.jdbc.n-plus-one.min-cuont=3").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(rootMessage(ctx.getStartupFailure())).contains("telltale.detectors.jdbc.n-plus-one.min-cuont=3");
        });
        runner.withPropertyValues("telltale.targets.nowhere.jdbc.n-plus-one.min-count=3").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(rootMessage(ctx.getStartupFailure())).contains("telltale.targets.nowhere.jdbc.n-plus-one.min-count=3");
        });
        runner.withPropertyValues("telltale.detectors.jdbc.n-plus-one.interval=soon").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(rootMessage(ctx.getStartupFailure())).contains("telltale.detectors.jdbc.n-plus-one.interval=soon");
        });
    }

    @Test
    void everyDataSourceIsWrappedAndAHikariPoolKeepsOrGetsItsName() {
        runner.withUserConfiguration(DataSources.class).run(ctx -> {
            assertThat(TelltaleJvm.isWatched(ctx.getBean("plain", DataSource.class))).isTrue();
            assertThat(TelltaleJvm.isWatched(ctx.getBean("named", DataSource.class))).isTrue();
            assertThat(ctx.getBean("named", DataSource.class).unwrap(HikariDataSource.class).getPoolName()).isEqualTo("orders-pool");
            assertThat(ctx.getBean("unnamed", DataSource.class).unwrap(HikariDataSource.class).getPoolName()).isEqualTo("unnamed");
            // the plain one is watched too: a statement through it counts
            try (var c = ctx.getBean("plain", DataSource.class).getConnection(); var s = c.createStatement()) {
                s.execute("select 1");
            }
        });
    }

    @Test
    void webRequestsBecomeUnitsUnlessTurnedOff() {
        WebApplicationContextRunner web = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TelltaleAutoConfiguration.class));
        web.run(ctx -> assertThat(ctx).hasSingleBean(RouteUnits.class));
        web.withPropertyValues("telltale.web.enabled=false").run(ctx -> assertThat(ctx).doesNotHaveBean(RouteUnits.class));
    }

    @Test
    void theUnitNameIsMethodAndRouteTemplate() {
        assertThat(RouteUnits.unitName("GET", "/owners/{ownerId}")).isEqualTo("GET /owners/{ownerId}");
        assertThat(RouteUnits.unitName("POST", null)).isEqualTo("POST (no route)");
    }

    @Test
    void asyncWorkCarriesTheSubmittersUnit() {
        runner.run(ctx -> {
            TelltaleJvm telltale = ctx.getBean(TelltaleJvm.class);
            TaskDecorator decorator = ctx.getBean(TaskDecorator.class);
            AtomicReference<Runnable> decorated = new AtomicReference<>();
            Runnable task = () -> { };
            try (var unit = telltale.unitOfWork("GET /orders")) {
                decorated.set(decorator.decorate(task));
            }
            assertThat(decorated.get()).isNotSameAs(task);
            assertThat(decorator.decorate(task)).isSameAs(task);
        });
    }

    @Test
    void theHealthContributorMatchesTheBootLineAndIsUpByDefault() {
        runner.run(ctx -> {
            assertThat(ctx).hasSingleBean(Boot4Health.class).doesNotHaveBean(Boot3Health.class);
            assertThat(ctx.getBean(Boot4Health.class).health().getStatus().getCode()).isEqualTo("UP");
        });
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health.contributor")).run(ctx -> {
            assertThat(ctx).hasSingleBean(Boot3Health.class).doesNotHaveBean(Boot4Health.class);
            assertThat(ctx.getBean(Boot3Health.class).health().getStatus().getCode()).isEqualTo("UP");
        });
        runner.withPropertyValues("telltale.health.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(Boot4Health.class).doesNotHaveBean(Boot3Health.class));
    }

    @Test
    void theEndpointHasTheFindingsShape() {
        runner.run(ctx -> assertThat(ctx.getBean(TelltaleEndpoint.class).findings())
                .containsKeys("status", "targets", "findings", "runs").containsEntry("status", "OK"));
    }

    @Test
    void serverSidePostgresDetectorsOnlyWithAUrl() {
        runner.withPropertyValues("telltale.postgres.url=jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres",
                "telltale.postgres.name=orders-db", "telltale.targets.orders-db.postgres.lock-waits.warning=5s").run(ctx -> {
            assertThat(ctx).hasSingleBean(PostgresTarget.class);
            assertThat(ctx.getBean(DetectorEngine.class).detectors())
                    .anyMatch(d -> d.id().equals("postgres.lock-waits") && d.target().equals("orders-db"));
        });
        runner.withClassLoader(new FilteredClassLoader(PostgresTarget.class))
                .withPropertyValues("telltale.postgres.url=jdbc:postgresql://127.0.0.1:5432/postgres")
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("telltalePostgresTarget"));
    }

    @Test
    void theApplicationsRedisIsWatchedThroughItsOwnClientOnlyWhenAsked() {
        ApplicationContextRunner withRedis = runner.withBean(LettuceConnectionFactory.class, () -> {
            URI url = URI.create(System.getenv().getOrDefault("TELLTALE_TEST_REDIS_URL", "redis://127.0.0.1:6379"));
            return new LettuceConnectionFactory(url.getHost(), url.getPort());
        });
        withRedis.run(ctx -> assertThat(ctx).doesNotHaveBean(RedisTarget.class));
        withRedis.withPropertyValues("telltale.redis.enabled=true", "telltale.redis.name=cache").run(ctx -> {
            assertThat(ctx).hasSingleBean(RedisTarget.class);
            assertThat(ctx.getBean(DetectorEngine.class).detectors())
                    .anyMatch(d -> d.id().startsWith("redis.") && d.target().equals("cache"));
        });
    }

    @Test
    void resilience4jRegistriesAreWatchedWhenTheApplicationHasThem() {
        runner.withBean(CircuitBreakerRegistry.class, CircuitBreakerRegistry::ofDefaults)
                .withBean(RetryRegistry.class, RetryRegistry::ofDefaults)
                .run(ctx -> assertThat(ctx.getBean(DetectorEngine.class).detectors().stream().map(Detector::id).toList())
                        .contains("resilience.circuit-breaker", "resilience.retry-storm"));
    }

    @Test
    void configurationMetadataDescribesTheDetectorSettingsFromTheirSpecs() throws IOException {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(json).contains("\"telltale.enabled\"", "\"telltale.postgres.url\"", "\"telltale.application-packages\"",
                "\"telltale.detectors.jdbc.n-plus-one.min-count\"", "\"telltale.detectors.postgres.lock-waits.warning\"",
                "\"telltale.redis.enabled\"", "\"telltale.detectors.redis.memory.warning\"",
                "Executions of one statement shape in one unit of work");
    }

    private static String rootMessage(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Configuration(proxyBeanMethods = false)
    static class DataSources {
        @Bean
        DataSource plain() {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:plain");
            return h2;
        }

        @Bean
        DataSource named() {
            HikariDataSource h = hikari("jdbc:h2:mem:named");
            h.setPoolName("orders-pool");
            return h;
        }

        @Bean
        DataSource unnamed() {
            return hikari("jdbc:h2:mem:unnamed");
        }

        private static HikariDataSource hikari(String url) {
            HikariDataSource h = new HikariDataSource();
            h.setJdbcUrl(url);
            return h;
        }
    }

}
