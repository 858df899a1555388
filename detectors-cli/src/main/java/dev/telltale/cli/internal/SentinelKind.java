package dev.telltale.cli.internal;

import dev.telltale.core.DetectorSpec;
import dev.telltale.redis.RedisDetectors;
import dev.telltale.redis.RedisTarget;
import dev.telltale.redis.internal.RedisTargetAccess;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Redis watched through Sentinel: {@code --sentinel redis-sentinel://[:pass@]host:26379[,host:26379...]/master-name}.
 * The sentinels name the master and its replicas; each target runs the Redis detectors on them and the Sentinel
 * detectors on its sentinels. Passwords come from the URL (with {@code ${ENV}} or {@code ${file:/path}}
 * placeholders, so none is on the command line): the user-info one for the data nodes, {@code sentinel-password}
 * for the sentinels.
 */
final class SentinelKind extends BuiltInKind<RedisTarget> {

    SentinelKind() {
        // every group is a target of its own: the Redis detectors run on its master and replicas
        super(new Flag("sentinel", "Redis through its Sentinels: redis-sentinel://[:pass@]host:26379[,host:26379...]/master-name",
                "redis-sentinel://:pass@sentinel-a:26379,sentinel-b:26379/mymaster", RedisTarget.DEFAULT_SENTINEL_PORT,
                Set.of("redis-sentinel")), RedisDetectors::forTarget, RedisDetectors::forTopology);
    }

    /** The master name: one group of sentinels may watch several masters, each a target of its own. */
    @Override
    public Optional<String> database(URI url) {
        String path = url.getPath() == null ? "" : url.getPath().replaceFirst("^/", "").replaceFirst("/$", "");
        return path.isEmpty() ? Optional.empty() : Optional.of(path);
    }

    /** The first sentinel of the list, for the scheme and port checks and the default name. */
    @Override
    public String firstHostUrl(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int hostsEnd = url.indexOf('/', scheme + 3);
        hostsEnd = hostsEnd < 0 ? url.length() : hostsEnd;
        int hostsStart = Math.max(scheme + 3, url.lastIndexOf('@', hostsEnd - 1) + 1);
        int comma = url.indexOf(',', hostsStart);
        if (comma < 0 || comma > hostsEnd) {
            return url;
        }
        return url.substring(0, comma) + url.substring(hostsEnd);
    }

    @Override
    RedisTarget create(TargetSpec spec, Disclosure disclosure) {
        return create(spec).keyNames(disclosure.keyNames());
    }

    /**
     * Whether a sentinel answers and names the master: the target is up while its sentinels are, so that a master
     * that is down is reported by the Sentinel detectors rather than hiding the target.
     */
    @Override
    public Optional<String> probe(TargetSpec spec) {
        try (RedisTarget t = create(spec)) {
            RedisTargetAccess.sentinels(t).orElseThrow().currentMaster();
            return Optional.empty();
        } catch (RuntimeException e) {
            if (e instanceof CliException c) {
                throw c;
            }
            return Optional.of("cannot reach " + spec + ": " + Kinds.rootMessage(e));
        }
    }

    private static RedisTarget create(TargetSpec spec) {
        try {
            return RedisTarget.fromSentinelUrl(spec.name(), spec.url());
        } catch (IllegalArgumentException e) {
            throw new CliException("--sentinel " + spec.name() + ": " + Redaction.message(e.getMessage()), e);
        }
    }

    /** The Redis detectors, which run on the group's master and replicas, and the Sentinel ones. */
    @Override
    public List<DetectorSpec> specs() {
        return RedisDetectors.specs();
    }
}
