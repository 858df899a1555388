package dev.telltale.postgres.pgbouncer.internal;

import dev.telltale.postgres.pgbouncer.PgBouncerTarget;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/** This package's way into a {@link PgBouncerTarget}'s console connection, kept out of the public API. */
public final class PgBouncerTargetAccess {
    private static volatile Function<PgBouncerTarget, Console> consoles;

    private PgBouncerTargetAccess() {
    }

    /** Called once, by {@code PgBouncerTarget} itself. */
    public static void install(Function<PgBouncerTarget, Console> access) {
        if (consoles != null) {
            throw new IllegalStateException("PgBouncerTarget access is already installed");
        }
        consoles = Objects.requireNonNull(access, "access");
    }

    public static Console console(PgBouncerTarget target) {
        Objects.requireNonNull(target, "target");
        return consoles.apply(target);
    }

    /**
     * Logs in to the console and asks for its version (the reachability probe).
     *
     * @return the console's {@code SHOW VERSION}
     * @throws Exception when it cannot be reached or refuses within {@code budget}
     */
    public static String probe(PgBouncerTarget target, Duration budget) throws Exception {
        return console(target).read("probe", budget, waited -> { }, s -> s.show("VERSION", 1).rows().stream()
                .flatMap(r -> r.values().stream()).filter(Objects::nonNull).findFirst().orElse("unknown"));
    }
}
