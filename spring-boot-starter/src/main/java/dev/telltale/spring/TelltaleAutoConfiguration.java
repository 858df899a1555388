package dev.telltale.spring;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.SettingException;
import dev.telltale.core.Slf4jAlertListener;
import dev.telltale.jvm.TelltaleJvm;
import dev.telltale.jvm.cache.CacheDetectors;
import dev.telltale.jvm.cache.StampedesBuilder;
import dev.telltale.jvm.resilience.ResilienceDetectors;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.redis.RedisDetectors;
import dev.telltale.redis.RedisTarget;
import dev.telltale.spring.internal.Boot3Health;
import dev.telltale.spring.internal.Boot4Health;
import dev.telltale.spring.internal.CacheWatcher;
import dev.telltale.spring.internal.DataSourceWrapper;
import dev.telltale.spring.internal.EngineLifecycle;
import dev.telltale.spring.internal.EngineView;
import dev.telltale.spring.internal.IntegrityBinding;
import dev.telltale.spring.internal.MeterBinding;
import dev.telltale.spring.internal.ReactiveUnits;
import dev.telltale.spring.internal.RouteUnits;
import dev.telltale.spring.internal.ScheduledUnits;
import dev.telltale.spring.internal.SettingsBinding;
import dev.telltale.spring.internal.TelltaleEndpoint;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.lettuce.core.AbstractRedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.scheduling.support.ScheduledTaskObservationContext;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Telltale in a Spring Boot application: the in-process detectors over every data source, web requests and
 * {@code @Scheduled} runs as units of work ({@code @Async} work carrying its submitter's), the engine started with
 * the context and bound to its meter registries,
 * and, when Actuator is present, {@code /actuator/telltale} and the {@code telltale} health contributor.
 *
 * <p>Bean methods of internal types are package-private: the types are not API. Boot 3.5 and Boot 4 name some
 * auto-configurations differently (Boot 4 moved them into modules of their own):
 * both names are given, and the one that is absent is ignored.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration",
        "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration",
        "io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
        "io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.scheduling.ScheduledTasksObservabilityAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ScheduledTasksObservationAutoConfiguration"},
        beforeName = {
        "org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration"})
@ConditionalOnClass(TelltaleJvm.class)
@ConditionalOnProperty(prefix = "telltale", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(TelltaleProperties.class)
public class TelltaleAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public TelltaleJvm telltaleJvm(TelltaleProperties properties, Environment environment, BeanFactory beanFactory) {
        TelltaleJvm.Builder b = TelltaleJvm.builder().target(targetName(properties, environment));
        List<String> packages = properties.getApplicationPackages();
        if (packages.isEmpty() && AutoConfigurationPackages.has(beanFactory)) {
            packages = AutoConfigurationPackages.get(beanFactory);
        }
        packages.forEach(p -> b.applicationPackages(p.endsWith(".") ? p : p + "."));
        return b.build();
    }

    /** Static, so that registering it early does not create this configuration or Telltale before their time. */
    @Bean
    static DataSourceWrapper telltaleDataSourceWrapper(ObjectProvider<TelltaleJvm> telltale) {
        return new DataSourceWrapper(telltale);
    }

    /**
     * Every detector, with the {@code telltale.detectors} and {@code telltale.targets} settings checked against
     * their specs: a bad value stops the context here, naming the property and the value.
     */
    @Bean
    @ConditionalOnMissingBean
    public DetectorEngine telltaleEngine(TelltaleJvm telltale, TelltaleProperties properties,
                                         ObjectProvider<TelltaleDetectors> contributions) {
        List<Detector> detectors = new ArrayList<>(telltale.detectors());
        contributions.orderedStream().forEach(c -> detectors.addAll(c.detectors()));
        Map<String, String> settings = SettingsBinding.flat(properties);
        try {
            return DetectorEngine.builder().detectors(detectors).settings(settings).listener(new Slf4jAlertListener()).build();
        } catch (SettingException e) {
            String property = SettingsBinding.propertyOf(e.key());
            String value = settings.get(e.key());
            throw new TelltaleConfigurationException(property, "Telltale refuses " + property
                    + (value == null ? "" : "=" + value) + ": " + e.getMessage(), e);
        }
    }

    @Bean
    EngineLifecycle telltaleLifecycle(DetectorEngine engine) {
        return new EngineLifecycle(engine);
    }

    @Bean
    MeterBinding telltaleMeterBinding(ObjectProvider<DetectorEngine> engine, ObjectProvider<TelltaleJvm> telltale) {
        return new MeterBinding(engine, telltale);
    }

    @Bean
    EngineView telltaleEngineView(DetectorEngine engine, TelltaleProperties properties) {
        String password = properties.getPostgres().getPassword();
        UnaryOperator<String> redact = s -> s == null || password == null || password.isEmpty() ? s : s.replace(password, "***");
        return new EngineView(engine, Clock.systemUTC(), redact);
    }

    /** {@code @Async} work and Boot's task executor carry the unit of work of the thread that submitted them. */
    @Bean
    @ConditionalOnMissingBean(TaskDecorator.class)
    public TaskDecorator telltaleTaskDecorator(TelltaleJvm telltale) {
        return telltale::propagate;
    }

    private static String targetName(TelltaleProperties properties, Environment environment) {
        String t = properties.getTarget();
        if (t == null || t.isBlank()) {
            t = environment.getProperty("spring.application.name", "app");
        }
        return t;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(WebMvcConfigurer.class)
    @ConditionalOnProperty(prefix = "telltale.web", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class WebMvcUnits {
        @Bean
        RouteUnits telltaleRouteUnits(TelltaleJvm telltale) {
            return new RouteUnits(telltale);
        }

        @Bean
        WebMvcConfigurer telltaleRouteUnitsConfigurer(RouteUnits units) {
            return new WebMvcConfigurer() {
                @Override
                public void addInterceptors(InterceptorRegistry registry) {
                    registry.addInterceptor(units).order(Ordered.HIGHEST_PRECEDENCE);
                }
            };
        }
    }

    /**
     * WebFlux exchanges as units of work, carried across the exchange's threads by Micrometer's context propagation
     * (without it a unit could follow no exchange, so nothing is registered).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = {"org.springframework.web.server.WebFilter", "io.micrometer.context.ContextRegistry",
            "reactor.core.publisher.Hooks"})
    @ConditionalOnProperty(prefix = "telltale.web", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class WebFluxUnits {
        private static final Logger LOG = LoggerFactory.getLogger(WebFluxUnits.class);

        @Bean
        ReactiveUnits telltaleReactiveUnits(TelltaleJvm telltale, Environment environment) {
            if (!"auto".equalsIgnoreCase(environment.getProperty("spring.reactor.context-propagation", "limited"))) {
                LOG.info("Telltale: WebFlux requests are units of work only where their unit is propagated; set "
                        + "spring.reactor.context-propagation=auto so blocking work on other threads counts towards it");
            }
            return new ReactiveUnits(telltale);
        }
    }

    /** {@code @Scheduled} runs as units of work named after the job, from Spring's own observation of each run. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ScheduledTaskObservationContext.class)
    @ConditionalOnProperty(prefix = "telltale.scheduling", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class ScheduledJobUnits {
        @Bean
        ScheduledUnits telltaleScheduledUnits(TelltaleJvm telltale) {
            return new ScheduledUnits(telltale);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class Actuator {
        @Bean
        @ConditionalOnMissingBean
        TelltaleEndpoint telltaleEndpoint(EngineView view) {
            return new TelltaleEndpoint(view);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(prefix = "telltale.health", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class Boot4HealthContributor {
        @Bean(name = "telltaleHealthIndicator")
        Boot4Health telltaleHealthIndicator(EngineView view, TelltaleProperties properties) {
            return new Boot4Health(view, properties.getHealth().isDownOnCritical());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(prefix = "telltale.health", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class Boot3HealthContributor {
        @Bean(name = "telltaleHealthIndicator")
        Boot3Health telltaleHealthIndicator(EngineView view, TelltaleProperties properties) {
            return new Boot3Health(view, properties.getHealth().isDownOnCritical());
        }
    }

    /** Server-side detectors over a connection of their own, closed with the context. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(PostgresTarget.class)
    @ConditionalOnProperty(prefix = "telltale.postgres", name = "url")
    static class ServerSidePostgres {
        @Bean(destroyMethod = "close")
        PostgresTarget telltalePostgresTarget(TelltaleProperties properties) {
            TelltaleProperties.Postgres p = properties.getPostgres();
            PostgresTarget.Builder b = PostgresTarget.builder(p.getName()).url(p.getUrl());
            if (p.getPassword() != null && !p.getPassword().isEmpty()) {
                b.password(p.getPassword());
            }
            return b.build();
        }

        /** With the integrity checks of {@code telltale.postgres.integrity}, refused at startup when one is malformed. */
        @Bean
        TelltaleDetectors telltalePostgresDetectors(PostgresTarget target, TelltaleProperties properties) {
            List<Detector> detectors = new ArrayList<>(PostgresDetectors.forTarget(target));
            detectors.addAll(IntegrityBinding.detectors(target, properties.getPostgres().getIntegrity()));
            return () -> detectors;
        }
    }

    /**
     * The application's Redis through its own Lettuce client: Telltale opens a connection of its own from the client
     * (never one of the application's) and closes only that.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({RedisTarget.class, LettuceConnectionFactory.class})
    @ConditionalOnBean(LettuceConnectionFactory.class)
    @ConditionalOnProperty(prefix = "telltale.redis", name = "enabled", havingValue = "true")
    static class ApplicationRedis {
        @Bean(destroyMethod = "close")
        RedisTarget telltaleRedisTarget(TelltaleProperties properties, LettuceConnectionFactory factory) {
            String name = properties.getRedis().getName();
            AbstractRedisClient client = factory.getNativeClient();
            if (client instanceof RedisClusterClient cluster) {
                return RedisTarget.fromClusterClient(name, cluster);
            }
            if (client instanceof RedisClient single) {
                return RedisTarget.fromClient(name, single);
            }
            throw new IllegalStateException("telltale.redis.enabled: the LettuceConnectionFactory has no client yet ("
                    + "it starts late); give the Redis server by URL to a RedisTarget bean instead");
        }

        @Bean
        TelltaleDetectors telltaleRedisDetectors(RedisTarget target) {
            return () -> RedisDetectors.forTarget(target);
        }
    }

    /**
     * The caches of every {@code CacheManager} bean watched for {@code cache.stampede}: each cache reports its loads
     * when the manager hands it out (so caches created after start-up are found), and the hit ratios of Boot's
     * {@code cache.gets} meters are read from the application's registry when it has one.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.cache.CacheManager")
    @ConditionalOnBean(type = "org.springframework.cache.CacheManager")
    @ConditionalOnProperty(prefix = "telltale.caches", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class SpringCacheStampedes {
        /** Static, like the data-source wrapper: nothing is created before its time. */
        @Bean
        static CacheWatcher telltaleCacheWatcher(ObjectProvider<StampedesBuilder> stampedes) {
            return new CacheWatcher(stampedes);
        }

        @Bean
        StampedesBuilder telltaleStampedes(TelltaleJvm telltale, ObjectProvider<MeterRegistry> registry) {
            MeterRegistry meters = registry.getIfAvailable();
            return meters == null ? CacheDetectors.stampedes(telltale.target()) : CacheDetectors.stampedes(telltale.target(), meters);
        }

        @Bean
        TelltaleDetectors telltaleCacheStampedes(StampedesBuilder stampedes) {
            Detector detector = stampedes.build();
            return () -> List.of(detector);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(CircuitBreakerRegistry.class)
    @ConditionalOnBean(CircuitBreakerRegistry.class)
    static class CircuitBreakers {
        @Bean
        TelltaleDetectors telltaleCircuitBreakers(TelltaleJvm telltale, CircuitBreakerRegistry registry) {
            return () -> List.of(ResilienceDetectors.circuitBreakers(telltale.target()).registry(registry).build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RetryRegistry.class)
    @ConditionalOnBean(RetryRegistry.class)
    static class RetryStorms {
        @Bean
        TelltaleDetectors telltaleRetryStorms(TelltaleJvm telltale, RetryRegistry registry) {
            return () -> List.of(ResilienceDetectors.retryStorms(telltale.target()).retryRegistry(registry).build());
        }
    }
}
