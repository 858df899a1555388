package dev.telltale.cli.internal;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.postgres.PostgresFleet;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityChecks;
import dev.telltale.postgres.integrity.IntegrityConfig;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.PostgresTargetAccess;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** PostgreSQL targets: {@code --postgres postgresql://...} or {@code jdbc:postgresql://...}. */
final class PostgresKind extends BuiltInKind<PostgresTarget> {
    private static final Duration PROBE = Duration.ofSeconds(10);

    PostgresKind() {
        super(new Flag("postgres", "PostgreSQL to watch: postgresql://user:pass@host:5432/db or jdbc:postgresql://...",
                "postgresql://user:pass@host:5432/db", 5432, Set.of("postgresql", "postgres")),
                PostgresDetectors::forTarget, PostgresDetectors::forTopology);
    }

    /** The database: one server holds several, and each is a target of its own. */
    @Override
    public Optional<String> database(URI url) {
        String path = url.getPath() == null ? "" : url.getPath().replaceFirst("^/", "");
        return path.isEmpty() ? Optional.empty() : Optional.of(path);
    }

    @Override
    public boolean acceptsIntegrity() {
        return true;
    }

    @Override
    public Optional<String> probe(TargetSpec spec) {
        PostgresTarget t = create(spec, Disclosure.NONE, Optional.empty());
        try {
            PostgresTargetAccess.server(t, PROBE);
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of("cannot reach " + spec + ": " + Kinds.rootMessage(e));
        } finally {
            t.close();
        }
    }

    /** The checks run on the first PostgreSQL target; replica-drift names its replica among the others. */
    @Override
    List<Detector> extras(List<TargetSpec> specs, Map<String, PostgresTarget> byName, Map<String, Object> integrity) {
        if (integrity.isEmpty() || specs.isEmpty()) {
            return List.of();
        }
        try {
            IntegrityChecks checks = IntegrityConfig.fromMap(byName.get(specs.get(0).name()), integrity,
                    name -> Optional.ofNullable(byName.get(name)));
            return checks.detectors();
        } catch (IntegrityConfigException e) {
            throw new CliException("telltale.yaml: " + Redaction.message(e.getMessage()), e);
        }
    }

    /** Targets opened together that share a server read its server-wide views once between them (one fleet). */
    @Override
    Function<TargetSpec, PostgresTarget> maker(Disclosure disclosure) {
        PostgresFleet fleet = PostgresFleet.create();
        return spec -> create(spec, disclosure, Optional.of(fleet));
    }

    @Override
    PostgresTarget create(TargetSpec spec, Disclosure disclosure) {
        return create(spec, disclosure, Optional.empty());
    }

    /**
     * libpq's order: a password in the URL, else {@code PGPASSWORD}, else the driver's own look-up in
     * {@code PGPASSFILE} or {@code ~/.pgpass} (pgjdbc reads those, but not {@code PGPASSWORD}).
     */
    private static PostgresTarget create(TargetSpec spec, Disclosure disclosure, Optional<PostgresFleet> fleet) {
        return Kinds.build("--postgres", spec, () -> {
            PostgresTarget.Builder b = PostgresTarget.builder(spec.name()).url(spec.url())
                    .showQueryLiterals(disclosure.queryLiterals());
            fleet.ifPresent(b::fleet);
            Kinds.pgPassword().ifPresent(b::password);
            return b.build();
        });
    }

    @Override
    public List<DetectorSpec> specs() {
        List<DetectorSpec> all = new ArrayList<>(PostgresDetectors.specs());
        all.addAll(PostgresDetectors.integritySpecs());
        return all;
    }
}
