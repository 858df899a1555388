package dev.telltale.cli.internal;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.redis.RedisDetectors;
import dev.telltale.redis.RedisTarget;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Redis targets: {@code --redis redis://[:pass@]host:port[/db]} or {@code rediss://...}. */
final class RedisKind implements TargetKind {
    private static final Duration PROBE = Duration.ofSeconds(5);

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public String description() {
        return "Redis to watch: redis://[:pass@]host:6379[/db] or rediss://...";
    }

    @Override
    public String exampleUrl() {
        return "redis://:pass@host:6379/0";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss");
    }

    @Override
    public int defaultPort() {
        return 6379;
    }

    /** Nothing: a Redis target is its server, whose detectors look at every db. */
    @Override
    public Optional<String> database(URI url) {
        return Optional.empty();
    }

    @Override
    public Opened open(List<TargetSpec> specs, Map<String, Object> integrity) {
        List<RedisTarget> targets = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            for (TargetSpec spec : specs) {
                probe(spec);
                RedisTarget t;
                try {
                    t = RedisTarget.fromUrl(spec.name(), spec.url());
                } catch (IllegalArgumentException e) {
                    throw new CliException("--redis " + spec.name() + ": " + Redaction.message(e.getMessage()), e);
                }
                targets.add(t);
                resources.add(t);
            }
            List<Detector> detectors = new ArrayList<>();
            if (targets.size() > 1) {
                detectors.addAll(RedisDetectors.forTopology(targets));
            } else {
                detectors.addAll(RedisDetectors.forTarget(targets.get(0)));
            }
            return new Opened(detectors, resources);
        } catch (RuntimeException e) {
            Kinds.closeAll(resources);
            throw e;
        }
    }

    /** One PING on a short-lived connection, so an unreachable server stops the check with its name. */
    private static void probe(TargetSpec spec) {
        RedisURI uri;
        try {
            uri = RedisURI.create(spec.url());
        } catch (RuntimeException e) {
            throw new CliException("--redis '" + spec.redactedUrl() + "' is not a URL such as redis://:pass@host:6379/0");
        }
        uri.setTimeout(PROBE);
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().ping();
        } catch (RuntimeException e) {
            throw new CliException("cannot reach " + spec + ": " + Kinds.rootMessage(e), e);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Override
    public List<DetectorSpec> specs() {
        return RedisDetectors.specs();
    }
}
