package dev.telltale.testkit;

import dev.telltale.testkit.internal.RedisServer;

import java.util.ArrayList;
import java.util.List;

/**
 * A Redis logical database of one test class, emptied before and after the class, plus a key prefix
 * unique to the class. Tests that must change server settings start their own server with
 * {@link #startServer(String...)}.
 */
public final class TestRedis {
    private final RedisServer server;
    private final int database;
    private final String keyPrefix;
    private final RedisClassScope scope;

    TestRedis(RedisServer server, int database, String keyPrefix, RedisClassScope scope) {
        this.server = server;
        this.database = database;
        this.keyPrefix = keyPrefix;
        this.scope = scope;
    }

    /** {@code redis://host:port/db}, with credentials when the server needs them. */
    public String uri() {
        return server.endpoint().uri(database);
    }

    public String host() {
        return server.endpoint().host();
    }

    public int port() {
        return server.endpoint().port();
    }

    /** The logical database claimed for this class, 1 to 15 on a default server. */
    public int database() {
        return database;
    }

    /** A prefix like {@code tt:3f9a1c:} for every key the class writes. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** Where the server came from: {@code env}, {@code testcontainers} or {@code embedded}. */
    public String source() {
        return server.source();
    }

    /** {@code redis_version} from {@code INFO server}, e.g. {@code 7.0.15}. */
    public String redisVersion() {
        return server.version();
    }

    /**
     * Starts a private {@code redis-server} on a free loopback port (the machine's binary, else the
     * bundled Redis 6.2; {@code telltale.test.redis.binary} chooses), with {@code --save "" --appendonly no --repl-diskless-sync-delay 0}
     * and then {@code extraArgs}, which win: e.g. {@code startServer("--maxmemory", "1mb")} or
     * {@code startServer("--replicaof", "127.0.0.1", "6390")}. Stopped by {@link RedisServerProcess#close()}
     * or when the test class ends.
     */
    public RedisServerProcess startServer(String... extraArgs) {
        return scope.startServer(extraArgs);
    }

    /**
     * Starts a private Redis Sentinel ({@code redis-server <config> --sentinel}, the same binary) on a free loopback
     * port, monitoring {@code masterName} at 127.0.0.1:{@code masterPort} with {@code quorum}, then the directives in
     * {@code extraArgs}: e.g. {@code "--sentinel", "down-after-milliseconds", "mymaster", "1000"}. Stopped like
     * {@link #startServer}.
     */
    public RedisServerProcess startSentinel(String masterName, int masterPort, int quorum, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--protected-mode", "no", "--sentinel", "monitor",
                masterName, "127.0.0.1", Integer.toString(masterPort), Integer.toString(quorum)));
        args.addAll(List.of(extraArgs));
        return scope.startSentinel(args);
    }

    @Override
    public String toString() {
        return "TestRedis[" + source() + " " + redisVersion() + " " + server.endpoint().redacted() + "/" + database
                + " prefix " + keyPrefix + "]";
    }
}
