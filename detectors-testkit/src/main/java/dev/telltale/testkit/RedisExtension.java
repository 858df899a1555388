package dev.telltale.testkit;

import dev.telltale.testkit.internal.RedisServers;
import dev.telltale.testkit.internal.Settings;

/**
 * Hands tests a {@link TestRedis}: a logical database and key prefix of their own on a real Redis.
 *
 * <p>The server comes from, in order: {@code TELLTALE_TEST_REDIS_URL} (or {@code telltale.test.redis.url});
 * Testcontainers' {@code redis:7} when a Docker engine answers; a {@code redis-server} started once
 * per JVM on a free loopback port (the machine's binary, else the Redis 6.2 bundled in embedded-redis;
 * {@code telltale.test.redis.binary} = {@code machine}, {@code embedded} or a path chooses).
 * {@code telltale.test.redis.source} narrows or reorders the sources. When nothing works the test class
 * fails if {@code CI=true}, and is skipped otherwise.
 */
public final class RedisExtension extends BackendExtension<RedisClassScope> {

    public RedisExtension() {
        super(TestRedis.class, RedisClassScope.class);
    }

    @Override
    RedisClassScope openScope(Settings settings) {
        return new RedisClassScope(RedisServers.server(settings), settings);
    }

    @Override
    Object parameterOf(RedisClassScope scope) {
        return scope.main();
    }
}
