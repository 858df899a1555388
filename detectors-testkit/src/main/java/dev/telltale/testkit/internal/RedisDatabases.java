package dev.telltale.testkit.internal;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Hands out logical databases 1..n-1 so test classes, also in other JVMs on the same server, never
 * share one. A claim is a key on db 0 that expires by itself, so a crashed JVM frees its databases.
 */
public final class RedisDatabases {
    static final String CLAIM_PREFIX = "telltale:testkit:claim:";
    private static final int CLAIM_SECONDS = 600;
    private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    private RedisDatabases() {
    }

    /** A claimed database: which one and the token that proves it is ours. */
    public record Claim(int database, String token) {
    }

    public static Claim claim(RedisServer server) {
        if (server.databases() < 2) {
            throw new IllegalStateException(server.endpoint().redacted() + " has databases=" + server.databases()
                    + "; the testkit needs at least 2 (db 0 holds the claims)");
        }
        String token = UUID.randomUUID().toString();
        try {
            Claim claim = await("a free logical database on " + server.endpoint().redacted())
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> tryClaim(server, token), Optional::isPresent).orElseThrow();
            flush(server, claim.database());
            return claim;
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("all logical databases 1.." + (server.databases() - 1) + " of "
                    + server.endpoint().redacted() + " stayed claimed for 60 s (keys " + CLAIM_PREFIX + "<db> on db 0)", e);
        }
    }

    public static void release(RedisServer server, Claim claim) throws IOException {
        flush(server, claim.database());
        try (RespClient client = RespClient.connect(server.endpoint(), Duration.ofSeconds(3))) {
            client.call("EVAL", RELEASE, "1", CLAIM_PREFIX + claim.database(), claim.token());
        }
    }

    private static Optional<Claim> tryClaim(RedisServer server, String token) {
        int count = server.databases() - 1;
        // a random start spreads concurrent JVMs over the databases instead of all racing for db 1
        int offset = ThreadLocalRandom.current().nextInt(count);
        try (RespClient client = RespClient.connect(server.endpoint(), Duration.ofSeconds(3))) {
            for (int i = 0; i < count; i++) {
                int db = 1 + (offset + i) % count;
                Object reply = client.call("SET", CLAIM_PREFIX + db, token, "NX", "EX", Integer.toString(CLAIM_SECONDS));
                if ("OK".equals(reply)) {
                    return Optional.of(new Claim(db, token));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void flush(RedisServer server, int database) throws UncheckedIOException {
        try (RespClient client = RespClient.connect(server.endpoint(), Duration.ofSeconds(3))) {
            client.call("SELECT", Integer.toString(database));
            client.call("FLUSHDB");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
