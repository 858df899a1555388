package dev.telltale.cli.internal;

import dev.telltale.core.DetectorSpec;
import dev.telltale.redis.RedisDetectors;
import dev.telltale.redis.RedisTarget;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Redis targets: {@code --redis redis://[:pass@]host:port[/db]} or {@code rediss://...}. */
final class RedisKind extends BuiltInKind<RedisTarget> {
    private static final Duration PROBE = Duration.ofSeconds(5);

    RedisKind() {
        // every target is a server of its own: all its per-node detectors run on it
        super(new Flag("redis", "Redis to watch: redis://[:pass@]host:6379[/db] or rediss://...", "redis://:pass@host:6379/0",
                6379, Set.of("redis", "rediss")), RedisDetectors::forTarget, RedisDetectors::forTopology);
    }

    /** Nothing: a Redis target is its server, whose detectors look at every db. */
    @Override
    public Optional<String> database(URI url) {
        return Optional.empty();
    }

    @Override
    RedisTarget create(TargetSpec spec, Disclosure disclosure) {
        RedisUrlParameters.check(spec);
        try {
            return RedisTarget.fromUrl(spec.name(), spec.url()).keyNames(disclosure.keyNames());
        } catch (IllegalArgumentException e) {
            throw new CliException("--redis " + spec.name() + ": " + Redaction.message(e.getMessage()), e);
        }
    }

    /**
     * The event loops of every probe, made once: a client of its own per probe would start its own threads each time,
     * for every Redis target of a fleet every minute.
     */
    private static final class ProbeResources {
        static final ClientResources SHARED = DefaultClientResources.builder().ioThreadPoolSize(2)
                .computationThreadPoolSize(1).build();
    }

    /** One PING on a short-lived connection, named like every other connection of Telltale's. */
    @Override
    public Optional<String> probe(TargetSpec spec) {
        RedisUrlParameters.check(spec);
        RedisURI uri;
        try {
            uri = RedisTarget.ownConnection(RedisURI.create(spec.url()));
        } catch (RuntimeException e) {
            throw new CliException("--redis '" + spec.redactedUrl() + "' is not a URL such as redis://:pass@host:6379/0");
        }
        uri.setTimeout(PROBE);
        RedisClient client = RedisClient.create(ProbeResources.SHARED, uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().ping();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("cannot reach " + spec + ": " + Kinds.rootMessage(e));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** Every Redis detector but the Sentinel ones, which run only on targets of {@link SentinelKind}. */
    @Override
    public List<DetectorSpec> specs() {
        List<DetectorSpec> all = new ArrayList<>(RedisDetectors.specs());
        all.removeAll(RedisDetectors.sentinelSpecs());
        return all;
    }
}
