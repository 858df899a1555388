package dev.telltale.cli.internal;

import dev.telltale.core.Detector;
import dev.telltale.postgres.PostgresDetectors;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityChecks;
import dev.telltale.postgres.integrity.IntegrityConfig;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** PostgreSQL targets: {@code --postgres postgresql://...} or {@code jdbc:postgresql://...}. */
final class PostgresKind implements TargetKind {
    private static final Duration PROBE = Duration.ofSeconds(10);
    private List<Detector> prototypes;

    /**
     * Example checks of every kind, with the problems each kind serves when configured for it, so that
     * 'list', the rules and the catalogue test see the integrity detectors. Never run.
     */
    private static final Map<String, Object> EXAMPLE_INTEGRITY = Map.ofEntries(
            Map.entry("negative-values", List.of(Map.of("table", "products", "column", "stock"))),
            Map.entry("capacity-overflow", List.of(
                    Map.of("table", "shows", "capacity", "capacity", "child", "bookings", "child-key", "show_id"),
                    Map.of("table", "orders", "capacity", "quantity", "child", "fills", "child-key", "order_id",
                            "quantity", "quantity", "problem", "concurrency/stock-order-matching-race"))),
            Map.entry("duplicates", List.of(
                    Map.of("table", "events", "key", "event_id"),
                    Map.of("table", "payments", "key", "idempotency_key", "problem", "concurrency/double-charge-payment"),
                    Map.of("name", "double-click", "table", "orders", "key", List.of("user_id", "cart_id"), "window", "2s",
                            "time-column", "created_at", "problem", "concurrency/duplicate-orders"))),
            Map.entry("replica-drift", List.of(Map.of("table", "accounts", "replica", "example"))),
            Map.entry("orphans", List.of(Map.of("table", "order_items", "references", List.of("order_id"), "parent", "orders"))),
            Map.entry("stuck-rows", List.of(Map.of("table", "outbox", "state-column", "status", "states", List.of("pending"),
                    "time-column", "created_at", "older-than", "5m"))),
            Map.entry("reconciliation", List.of(Map.of("name", "likes", "a", Map.of("table", "products", "key", "id", "column", "likes"),
                    "b", Map.of("table", "likes", "key", "product_id")))),
            Map.entry("row-checksum", List.of(Map.of("table", "accounts", "hash-column", "checksum", "columns", List.of("id", "balance")))),
            Map.entry("invariant", List.of(Map.of("name", "example", "sql", "select 1 where false"))),
            Map.entry("retention-backlog", List.of(Map.of("table", "sessions", "time-column", "last_seen", "retention", "30d"))),
            Map.entry("key-skew", List.of(Map.of("table", "events", "key", "tenant_id", "time-column", "created_at", "window", "1h"))),
            Map.entry("sequence-gaps", List.of(Map.of("table", "events", "entity", List.of("order_id"), "sequence", "seq", "order-column", "id"))));

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
    public Opened open(List<TargetSpec> specs, Map<String, Object> integrity) {
        List<PostgresTarget> targets = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            for (TargetSpec spec : specs) {
                PostgresTarget t = create(spec);
                targets.add(t);
                resources.add(t);
            }
            List<Detector> detectors = new ArrayList<>();
            for (PostgresTarget t : targets) {
                detectors.addAll(PostgresDetectors.forTarget(t));
            }
            if (targets.size() > 1) {
                // several endpoints of one cluster: more than one primary is split brain
                detectors.addAll(PostgresDetectors.forTopology(targets));
            }
            if (!integrity.isEmpty()) {
                // the checks run on the first PostgreSQL target; replica-drift names its replica among the others.
                // Built before any connection, so a typo in the file is reported as such even when the server is down.
                Map<String, PostgresTarget> byName = new java.util.LinkedHashMap<>();
                targets.forEach(t -> byName.put(t.name(), t));
                try {
                    IntegrityChecks checks = IntegrityConfig.fromMap(targets.get(0), integrity,
                            name -> Optional.ofNullable(byName.get(name)));
                    detectors.addAll(checks.detectors());
                } catch (IntegrityConfigException e) {
                    throw new CliException("telltale.yaml: " + Redaction.message(e.getMessage()), e);
                }
            }
            for (int i = 0; i < specs.size(); i++) {
                try {
                    targets.get(i).server(PROBE);
                } catch (Exception e) {
                    throw new CliException("cannot reach " + specs.get(i) + ": " + Kinds.rootMessage(e), e);
                }
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
            PostgresTarget example = PostgresTarget.fromUrl("example", "postgresql://localhost:5432/postgres");
            List<Detector> all = new ArrayList<>(PostgresDetectors.forTarget(example));
            all.addAll(IntegrityConfig.fromMap(example, EXAMPLE_INTEGRITY, n -> Optional.of(example)).detectors());
            prototypes = List.copyOf(all);
        }
        return prototypes;
    }
}
