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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** PostgreSQL targets: {@code --postgres postgresql://...} or {@code jdbc:postgresql://...}. */
final class PostgresKind implements TargetKind {
    private static final Duration PROBE = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public String description() {
        return "PostgreSQL to watch: postgresql://user:pass@host:5432/db or jdbc:postgresql://...";
    }

    @Override
    public String exampleUrl() {
        return "postgresql://user:pass@host:5432/db";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("postgresql", "postgres");
    }

    @Override
    public int defaultPort() {
        return 5432;
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

    @Override
    public Opened open(List<TargetSpec> specs, List<TargetGroup> groups, Map<String, Object> integrity) {
        return open(specs, groups, integrity, Disclosure.NONE);
    }

    @Override
    public Opened open(List<TargetSpec> specs, List<TargetGroup> groups, Map<String, Object> integrity,
                       Disclosure disclosure) {
        Map<String, PostgresTarget> byName = new LinkedHashMap<>();
        List<AutoCloseable> resources = new ArrayList<>();
        // targets on one server (several databases of it) read its server-wide views once between them
        PostgresFleet fleet = PostgresFleet.create();
        try {
            for (TargetSpec spec : specs) {
                PostgresTarget t = create(spec, disclosure, Optional.of(fleet));
                byName.put(spec.name(), t);
                resources.add(t);
            }
            List<Detector> detectors = new ArrayList<>();
            byName.values().forEach(t -> detectors.addAll(PostgresDetectors.forTarget(t)));
            for (TargetGroup g : groups) {
                // endpoints of one cluster: more than one primary of one lineage is split brain
                detectors.addAll(PostgresDetectors.forTopology(g.names().stream().map(byName::get).toList()));
            }
            if (!integrity.isEmpty() && !specs.isEmpty()) {
                // the checks run on the first PostgreSQL target; replica-drift names its replica among the others
                try {
                    IntegrityChecks checks = IntegrityConfig.fromMap(byName.get(specs.get(0).name()), integrity,
                            name -> Optional.ofNullable(byName.get(name)));
                    detectors.addAll(checks.detectors());
                } catch (IntegrityConfigException e) {
                    throw new CliException("telltale.yaml: " + Redaction.message(e.getMessage()), e);
                }
            }
            return new Opened(detectors, resources);
        } catch (RuntimeException e) {
            Kinds.closeAll(resources);
            throw e;
        }
    }

    /**
     * libpq's order: a password in the URL, else {@code PGPASSWORD}, else the driver's own look-up in
     * {@code PGPASSFILE} or {@code ~/.pgpass} (pgjdbc reads those, but not {@code PGPASSWORD}).
     */
    private static PostgresTarget create(TargetSpec spec, Disclosure disclosure, Optional<PostgresFleet> fleet) {
        try {
            PostgresTarget.Builder b = PostgresTarget.builder(spec.name()).url(spec.url())
                    .showQueryLiterals(disclosure.queryLiterals());
            fleet.ifPresent(b::fleet);
            String fromEnv = System.getenv("PGPASSWORD");
            if (fromEnv != null && !fromEnv.isEmpty()) {
                Redaction.rememberSecret(fromEnv);
                b.password(fromEnv);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException("--postgres " + spec.name() + ": " + Redaction.message(e.getMessage()), e);
        }
    }

    @Override
    public List<DetectorSpec> specs() {
        List<DetectorSpec> all = new ArrayList<>(PostgresDetectors.specs());
        all.addAll(PostgresDetectors.integritySpecs());
        return all;
    }
}
