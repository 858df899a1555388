package dev.telltale.postgres.internal;

import dev.telltale.postgres.PostgresTarget;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * This module's way into a {@link PostgresTarget}'s connection. The target hands its query runner over here
 * (when its class initialises) rather than through a public method, so that the runner and the probe stay
 * out of the public API.
 */
public final class PostgresTargetAccess {
    private static volatile Function<PostgresTarget, QueryRunner> runners;

    private PostgresTargetAccess() {
    }

    /** Called once, by {@code PostgresTarget} itself. */
    public static void install(Function<PostgresTarget, QueryRunner> access) {
        if (runners != null) {
            throw new IllegalStateException("PostgresTarget access is already installed");
        }
        runners = Objects.requireNonNull(access, "access");
    }

    /** The query runner of {@code target}: the one way to run a {@code .sql} resource read-only with timeouts. */
    public static QueryRunner queries(PostgresTarget target) {
        Objects.requireNonNull(target, "target");
        // a target instance exists, so its class has initialised and installed the access
        return runners.apply(target);
    }

    /**
     * What the server is (version, role, privileges, extensions), probing it if no connection is open.
     *
     * @throws Exception when the server cannot be reached within {@code budget}
     */
    public static ServerProbe server(PostgresTarget target, Duration budget) throws Exception {
        return queries(target).probe(budget);
    }
}
