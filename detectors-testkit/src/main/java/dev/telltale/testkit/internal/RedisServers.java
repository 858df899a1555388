package dev.telltale.testkit.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/** Finds a Redis server for tests, trying the sources of docs/architecture.md section 4 in order. */
public final class RedisServers {
    public static final String URL_ENV = "TELLTALE_TEST_REDIS_URL";
    public static final String URL_PARAMETER = "telltale.test.redis.url";
    public static final String SOURCE_PARAMETER = "telltale.test.redis.source";
    public static final List<String> SOURCES = List.of("env", "testcontainers", "embedded");

    private static final ServerSearch<Choice, RedisServer> SEARCH = new ServerSearch<>("Redis",
            LoggerFactory.getLogger(RedisServers.class), RedisServer::version, s -> s.endpoint().redacted(),
            "Set " + URL_ENV + " (e.g. redis://127.0.0.1:6379), start a Docker engine, or install redis-server"
                    + " (" + RedisBinary.BINARY_PARAMETER + " picks the binary)."
                    + " With CI=true this fails the build; otherwise the tests are skipped.");

    private RedisServers() {
    }

    record Choice(List<String> sources, Optional<Settings.Setting> url, Optional<String> binary, boolean dockerAllowed)
            implements ServerSearch.Choice {
    }

    public static RedisServer server(Settings settings) {
        Choice choice = new Choice(settings.sources(SOURCE_PARAMETER, SOURCES), settings.setting(URL_PARAMETER, URL_ENV),
                settings.parameter(RedisBinary.BINARY_PARAMETER), settings.dockerAllowed());
        return SEARCH.server(choice, (source, c, attempts) -> switch (source) {
            case "env" -> fromEnv(c, attempts);
            case "testcontainers" -> fromContainer(settings, attempts);
            case "embedded" -> fromEmbedded(settings, attempts);
            default -> throw new IllegalStateException(source);
        });
    }

    private static Optional<RedisServer> fromEnv(Choice choice, Attempts attempts) {
        if (choice.url().isEmpty()) {
            attempts.failed("env", URL_ENV + " is not set");
            return Optional.empty();
        }
        Settings.Setting url = choice.url().get();
        RedisEndpoint endpoint;
        try {
            endpoint = RedisEndpoint.parse(url.value());
        } catch (IllegalArgumentException e) {
            attempts.failed("env", url.name() + "='" + url.value().replaceAll(":[^:@/]*@", ":***@")
                    + "' is not a Redis URL: " + e.getMessage());
            return Optional.empty();
        }
        try {
            return Optional.of(describe("env", endpoint));
        } catch (IOException e) {
            attempts.failed("env", url.name() + " points at " + endpoint.redacted() + " which is unreachable: " + Attempts.describe(e));
            return Optional.empty();
        }
    }

    private static Optional<RedisServer> fromContainer(Settings settings, Attempts attempts) {
        Optional<String> noDocker = Docker.unavailableReason(settings);
        if (noDocker.isPresent()) {
            attempts.failed("testcontainers", noDocker.get());
            return Optional.empty();
        }
        try {
            return Optional.of(describe("testcontainers", RedisContainer.start()));
        } catch (Exception | LinkageError e) {
            attempts.failed("testcontainers", "redis:7 container failed: " + Attempts.describe(e));
            return Optional.empty();
        }
    }

    private static Optional<RedisServer> fromEmbedded(Settings settings, Attempts attempts) {
        RedisBinary binary;
        try {
            binary = RedisBinary.choose(settings);
        } catch (IOException e) {
            attempts.failed("embedded", "no redis-server binary: " + Attempts.describe(e));
            return Optional.empty();
        }
        try {
            LocalRedis redis = LocalRedis.start(binary, List.of());
            return Optional.of(describe("embedded", redis.endpoint()));
        } catch (IOException | RuntimeException e) {
            attempts.failed("embedded", binary.path() + " (" + binary.origin() + ") failed to start: " + Attempts.describe(e));
            return Optional.empty();
        }
    }

    private static RedisServer describe(String source, RedisEndpoint endpoint) throws IOException {
        try (RespClient client = RespClient.connect(endpoint, Duration.ofSeconds(3))) {
            client.call("PING");
            String version = client.info("server", "redis_version").orElse("unknown");
            int databases = 16;
            try {
                Object reply = client.call("CONFIG", "GET", "databases");
                if (reply instanceof List<?> list && list.size() == 2) {
                    databases = Integer.parseInt(list.get(1).toString());
                }
            } catch (RespClient.ErrorReply e) {
                // managed servers often forbid CONFIG; 16 is Redis' default
            }
            return new RedisServer(source, endpoint, version, databases);
        }
    }
}
