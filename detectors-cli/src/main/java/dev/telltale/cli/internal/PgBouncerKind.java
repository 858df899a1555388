package dev.telltale.cli.internal;

import dev.telltale.core.DetectorSpec;
import dev.telltale.postgres.pgbouncer.PgBouncerDetectors;
import dev.telltale.postgres.pgbouncer.PgBouncerTarget;
import dev.telltale.postgres.pgbouncer.internal.PgBouncerTargetAccess;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * PgBouncer through its admin console: {@code --pgbouncer postgresql://user:pass@host:6432/pgbouncer}. The user must
 * be in the console's {@code stats_users} (or {@code admin_users}). The password comes from the URL (a placeholder
 * such as {@code ${file:/run/secrets/pgbouncer}} keeps it off the command line), else {@code PGPASSWORD}.
 */
final class PgBouncerKind extends BuiltInKind<PgBouncerTarget> {
    private static final Duration PROBE = Duration.ofSeconds(10);

    PgBouncerKind() {
        // each bouncer is a target of its own; bouncers are never compared with one another
        super(new Flag("pgbouncer", "PgBouncer's admin console to watch: postgresql://user:pass@host:6432/pgbouncer",
                "postgresql://user:pass@host:6432/pgbouncer", PgBouncerTarget.DEFAULT_PORT, Set.of("postgresql", "postgres")),
                PgBouncerDetectors::forTarget, group -> List.of());
    }

    /** Nothing: the console is always database {@code pgbouncer}, so the default name is {@code host:port}. */
    @Override
    public Optional<String> database(URI url) {
        return Optional.empty();
    }

    /** One {@code pgbouncer.pools} run's worth of reading: logs in and asks for its pools. */
    @Override
    public Optional<String> probe(TargetSpec spec) {
        try (PgBouncerTarget t = create(spec, Disclosure.NONE)) {
            PgBouncerTargetAccess.probe(t, PROBE);
            return Optional.empty();
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            return Optional.of("cannot reach " + spec + ": " + Kinds.rootMessage(e));
        }
    }

    @Override
    PgBouncerTarget create(TargetSpec spec, Disclosure disclosure) {
        return Kinds.build("--pgbouncer", spec, () -> {
            PgBouncerTarget.Builder b = PgBouncerTarget.builder(spec.name()).url(spec.url());
            Kinds.pgPassword().ifPresent(b::password);
            return b.build();
        });
    }

    @Override
    public List<DetectorSpec> specs() {
        return PgBouncerDetectors.specs();
    }
}
