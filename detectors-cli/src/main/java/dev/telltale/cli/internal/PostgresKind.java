package dev.telltale.cli.internal;

import dev.telltale.core.Detector;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.postgres.PostgresTarget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** PostgreSQL targets: {@code --postgres postgresql://...} or {@code jdbc:postgresql://...}. */
final class PostgresKind implements TargetKind {
    private static final Duration PROBE = Duration.ofSeconds(10);
    private List<Detector> prototypes;

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("postgresql", "postgres");
    }

    @Override
    public Opened open(List<TargetSpec> specs, List<Map<String, Object>> integrity) {
        List<PostgresTarget> targets = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            for (TargetSpec spec : specs) {
                PostgresTarget t = create(spec);
                targets.add(t);
                resources.add(t);
                try {
                    t.server(PROBE);
                } catch (Exception e) {
                    throw new CliException("cannot reach " + spec + ": " + Kinds.rootMessage(e), e);
                }
            }
            List<Detector> detectors = new ArrayList<>();
            for (PostgresTarget t : targets) {
                detectors.addAll(PostgresDetectors.forTarget(t));
            }
            if (!integrity.isEmpty()) {
                throw new CliException("telltale.yaml: 'integrity' checks are not in this build of telltale yet");
            }
            return new Opened(detectors, resources);
        } catch (RuntimeException e) {
            Kinds.closeAll(resources);
            throw e;
        }
    }

    private static PostgresTarget create(TargetSpec spec) {
        try {
            return PostgresTarget.fromUrl(spec.name(), spec.url());
        } catch (IllegalArgumentException e) {
            throw new CliException("--postgres " + spec.name() + ": " + Redaction.message(e.getMessage()), e);
        }
    }

    @Override
    public synchronized List<Detector> prototypes() {
        if (prototypes == null) {
            // targets open their connection on first use: this one is never used
            prototypes = PostgresDetectors.forTarget(PostgresTarget.fromUrl("example", "postgresql://localhost:5432/postgres"));
        }
        return prototypes;
    }
}
