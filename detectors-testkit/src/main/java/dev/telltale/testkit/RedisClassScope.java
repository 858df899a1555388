package dev.telltale.testkit;

import dev.telltale.testkit.internal.LocalRedis;
import dev.telltale.testkit.internal.RedisBinary;
import dev.telltale.testkit.internal.RedisDatabases;
import dev.telltale.testkit.internal.RedisServer;
import dev.telltale.testkit.internal.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** One test class's logical database and private servers; JUnit closes it when the class ends. */
final class RedisClassScope implements AutoCloseable {
    private final RedisServer server;
    private final Settings settings;
    private final RedisDatabases.Claim claim;
    private final TestRedis main;
    private final List<RedisServerProcess> processes = new ArrayList<>();

    RedisClassScope(RedisServer server, Settings settings) {
        this.server = server;
        this.settings = settings;
        this.claim = RedisDatabases.claim(server);
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        this.main = new TestRedis(server, claim.database(), "tt:" + HexFormat.of().formatHex(random) + ":", this);
    }

    TestRedis main() {
        return main;
    }

    synchronized RedisServerProcess startServer(String... extraArgs) {
        return start(false, List.of(extraArgs));
    }

    synchronized RedisServerProcess startSentinel(List<String> args) {
        return start(true, args);
    }

    private RedisServerProcess start(boolean sentinel, List<String> args) {
        try {
            RedisBinary binary = RedisBinary.choose(settings);
            RedisServerProcess process = new RedisServerProcess(sentinel ? LocalRedis.startSentinel(binary, args)
                    : LocalRedis.start(binary, args));
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a private " + (sentinel ? "sentinel" : "redis-server") + " with "
                    + args + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        processes.forEach(RedisServerProcess::close);
        processes.clear();
        RedisDatabases.release(server, claim);
    }
}
