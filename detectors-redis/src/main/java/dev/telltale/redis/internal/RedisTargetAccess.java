package dev.telltale.redis.internal;

import dev.telltale.redis.RedisTarget;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * This module's way to a {@link RedisTarget}'s per-node clients. The target hands them over here (when its
 * class initialises) rather than through a public method, so that they stay out of the public API.
 */
public final class RedisTargetAccess {
    private static volatile Function<RedisTarget, Topology> topologies;

    private RedisTargetAccess() {
    }

    /** Called once, by {@code RedisTarget} itself. */
    public static void install(Function<RedisTarget, Topology> access) {
        if (topologies != null) {
            throw new IllegalStateException("RedisTarget access is already installed");
        }
        topologies = Objects.requireNonNull(access, "access");
    }

    /** The per-node clients of {@code target}, rediscovered when the topology cache is stale. */
    public static List<NodeClient> nodeClients(RedisTarget target) {
        Objects.requireNonNull(target, "target");
        // a target instance exists, so its class has initialised and installed the access
        return topologies.apply(target).nodes();
    }

    /** The Sentinel group of a target made from sentinels, else empty. */
    public static java.util.Optional<SentinelGroup> sentinels(RedisTarget target) {
        return topologies.apply(Objects.requireNonNull(target, "target")).sentinelGroup();
    }

    /** Drops the target's connections after a command timed out; the next run reconnects. */
    public static void reconnect(RedisTarget target) {
        topologies.apply(Objects.requireNonNull(target, "target")).reconnect();
    }
}
