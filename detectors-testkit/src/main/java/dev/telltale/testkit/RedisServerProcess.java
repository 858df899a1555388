package dev.telltale.testkit;

import dev.telltale.testkit.internal.LocalRedis;
import java.nio.file.Path;

/** A private {@code redis-server} child process started by {@link TestRedis#startServer(String...)}. */
public final class RedisServerProcess implements AutoCloseable {
    private final LocalRedis redis;

    RedisServerProcess(LocalRedis redis) {
        this.redis = redis;
    }

    public String host() {
        return redis.endpoint().host();
    }

    public int port() {
        return redis.endpoint().port();
    }

    /** {@code redis://host:port/0}. */
    public String uri() {
        return redis.endpoint().uri(0);
    }

    /** {@code redis_version} of the running server. */
    public String version() {
        return redis.version();
    }

    /** The server's working directory ({@code --dir}): where cluster {@code nodes.conf} and logs live. */
    public Path directory() {
        return redis.directory();
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and deletes its directory. Idempotent. */
    @Override
    public void close() {
        redis.close();
    }

    @Override
    public String toString() {
        return "RedisServerProcess[" + redis.binary().origin() + " " + version() + " " + uri() + "]";
    }
}
