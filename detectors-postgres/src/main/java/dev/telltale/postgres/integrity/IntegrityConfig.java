package dev.telltale.postgres.integrity;

import dev.telltale.core.Problem;
import dev.telltale.core.SettingType;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Integrity checks from configuration already parsed into maps and lists (the {@code integrity:} section of
 * {@code telltale.yaml} as Jackson or SnakeYAML hand it over). The shape is documented in
 * {@code detectors-postgres/INTEGRITY.md}. Every error names the key path:
 * {@code integrity.duplicates[0].window: '-1s' is negative; a duration must be 0 or more}.
 */
public final class IntegrityConfig {
    private static final List<String> KINDS = List.of("negative-values", "capacity-overflow", "duplicates", "orphans",
            "stuck-rows", "reconciliation", "row-checksum", "invariant", "replica-drift", "retention-backlog", "key-skew",
            "sequence-gaps");
    private static final Set<String> COMMON = Set.of("name", "problem", "severity", "critical-above", "sample", "where",
            "chunk-rows", "range-column", "ranges-per-run");

    private IntegrityConfig() {
    }

    /**
     * Builds the checks of the {@code integrity:} section for {@code target}.
     *
     * @param section the value of {@code integrity:}: kind name to a list of check maps
     * @param targets finds another configured target by name (the replica of {@code replica-drift})
     * @throws IntegrityConfigException naming the key path and the bad value
     */
    public static IntegrityChecks fromMap(PostgresTarget target, Map<String, ?> section,
                                          Function<String, Optional<PostgresTarget>> targets) {
        IntegrityChecks checks = IntegrityChecks.on(target);
        if (section == null) {
            return checks;
        }
        for (Map.Entry<String, ?> e : section.entrySet()) {
            String kind = e.getKey();
            String path = "integrity." + kind;
            if (!KINDS.contains(kind)) {
                throw new IntegrityConfigException(path + ": unknown check kind; known: " + String.join(", ", KINDS));
            }
            if (!(e.getValue() instanceof List<?> list)) {
                throw new IntegrityConfigException(path + ": must be a list of checks");
            }
            for (int i = 0; i < list.size(); i++) {
                String at = path + "[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> m)) {
                    throw new IntegrityConfigException(at + ": must be a map of settings");
                }
                Node n = new Node(at, m);
                try {
                    IntegrityChecks.CheckBuilder<?> b = builder(checks, kind, n, targets);
                    b.path(at);
                    common(b, n);
                    n.rejectUnknown();
                    b.add();
                } catch (IntegrityConfigException x) {
                    // the builders name a check by kind and table; the configuration names it by its place
                    throw new IntegrityConfigException(x.getMessage().replaceFirst("^integrity\\.[a-z-]+\\[[^\\]]*\\]", at));
                }
            }
        }
        return checks;
    }

    private static IntegrityChecks.CheckBuilder<?> builder(IntegrityChecks c, String kind, Node n,
                                                           Function<String, Optional<PostgresTarget>> targets) {
        switch (kind) {
            case "negative-values" -> {
                var b = c.negativeValues(n.text("table"), n.text("column"));
                n.list("key").ifPresent(k -> b.key(k.toArray(String[]::new)));
                return b;
            }
            case "capacity-overflow" -> {
                var b = c.capacityOverflow(n.text("table"), n.text("capacity"));
                b.children(n.text("child"), n.text("child-key"));
                n.optText("quantity").ifPresent(b::quantity);
                n.optText("parent-key").ifPresent(b::parentKey);
                return b;
            }
            case "duplicates" -> {
                var b = c.duplicates(n.text("table"));
                b.key(n.list("key").orElseThrow(() -> n.missing("key")).toArray(String[]::new));
                Optional<Duration> w = n.duration("window");
                if (w.isPresent()) {
                    if (w.get().isZero()) {
                        throw new IntegrityConfigException(n.path + ".window: '" + n.raw("window") + "' must be above 0");
                    }
                    b.within(w.get(), n.text("time-column"));
                }
                return b;
            }
            case "orphans" -> {
                var b = c.orphans(n.text("table"));
                b.references(n.text("parent"), n.list("references").orElseThrow(() -> n.missing("references")).toArray(String[]::new));
                n.list("parent-key").ifPresent(k -> b.parentKey(k.toArray(String[]::new)));
                n.list("key").ifPresent(k -> b.key(k.toArray(String[]::new)));
                return b;
            }
            case "stuck-rows" -> {
                var b = c.stuckRows(n.text("table"));
                Optional<String> state = n.optText("state-column");
                if (state.isPresent()) {
                    b.state(state.get(), n.list("states").orElseThrow(() -> n.missing("states")).toArray(String[]::new));
                }
                b.olderThan(n.duration("older-than").orElseThrow(() -> n.missing("older-than")), n.text("time-column"));
                n.list("key").ifPresent(k -> b.key(k.toArray(String[]::new)));
                return b;
            }
            case "reconciliation" -> {
                var b = c.reconciliation(n.text("name"));
                for (String s : List.of("a", "b")) {
                    Node side = n.child(s);
                    b.side(side.text("table"), side.text("key"), side.optText("column"), side.optText("where"));
                    side.rejectUnknown();
                }
                n.number("tolerance").ifPresent(b::tolerance);
                return b;
            }
            case "row-checksum" -> {
                var b = c.rowChecksum(n.text("table"), n.text("hash-column"));
                b.columns(n.list("columns").orElseThrow(() -> n.missing("columns")).toArray(String[]::new));
                n.optText("algorithm").ifPresent(b::algorithm);
                n.list("key").ifPresent(k -> b.key(k.toArray(String[]::new)));
                return b;
            }
            case "invariant" -> {
                var b = c.invariant(n.text("name"), n.text("sql"));
                n.optText("key").ifPresent(b::key);
                n.optText("description").ifPresent(b::description);
                return b;
            }
            case "replica-drift" -> {
                String replica = n.text("replica");
                PostgresTarget r = targets.apply(replica).orElseThrow(() -> new IntegrityConfigException(
                        n.path + ".replica: no target named '" + replica + "' is configured"));
                var b = c.replicaDrift(n.text("table"), r);
                n.optText("key").ifPresent(b::key);
                n.list("columns").ifPresent(k -> b.columns(k.toArray(String[]::new)));
                Optional<Duration> settle = n.duration("settle");
                if (settle.isPresent()) {
                    b.settle(settle.get(), n.text("settle-column"));
                }
                return b;
            }
            case "retention-backlog" -> {
                var b = c.retentionBacklog(n.text("table"));
                b.olderThan(n.duration("retention").orElseThrow(() -> n.missing("retention")), n.text("time-column"));
                n.list("key").ifPresent(k -> b.key(k.toArray(String[]::new)));
                return b;
            }
            case "key-skew" -> {
                var b = c.keySkew(n.text("table"), n.text("key"));
                Duration w = n.duration("window").orElseThrow(() -> n.missing("window"));
                if (w.isZero()) {
                    throw new IntegrityConfigException(n.path + ".window: '" + n.raw("window") + "' must be above 0");
                }
                b.window(w, n.text("time-column"));
                n.number("factor").ifPresent(f -> b.factor(f.doubleValue()));
                n.count("min-rows").ifPresent(b::minRows);
                return b;
            }
            case "sequence-gaps" -> {
                var b = c.sequenceGaps(n.text("table"));
                b.entity(n.list("entity").orElseThrow(() -> n.missing("entity")).toArray(String[]::new));
                b.sequence(n.text("sequence"));
                n.optText("order-column").ifPresent(b::orderColumn);
                return b;
            }
            default -> throw new IllegalStateException(kind);
        }
    }

    private static void common(IntegrityChecks.CheckBuilder<?> b, Node n) {
        if (!b.kind.equals("integrity.reconciliation") && !b.kind.equals("integrity.invariant")) {
            n.optText("name").ifPresent(b::name);
        }
        n.optText("problem").ifPresent(p -> b.problem(Problem.byId(p).orElseThrow(() -> new IntegrityConfigException(
                n.path + ".problem: '" + p + "' is not a catalogue problem id (like concurrency/double-charge-payment)"))));
        n.optText("severity").ifPresent(s -> {
            try {
                b.severity(Severity.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IntegrityConfigException(n.path + ".severity: '" + s + "' is not info, warning or critical");
            }
        });
        n.count("critical-above").ifPresent(b::criticalAbove);
        n.count("sample").ifPresent(v -> b.sample((int) Math.min(Integer.MAX_VALUE, v)));
        n.optText("where").ifPresent(b::where);
        n.count("chunk-rows").ifPresent(v -> b.chunkRows((int) Math.min(Integer.MAX_VALUE, v)));
        n.optText("range-column").ifPresent(b::rangeColumn);
        n.count("ranges-per-run").ifPresent(v -> b.rangesPerRun((int) Math.min(Integer.MAX_VALUE, v)));
    }

    /** One map of the configuration, remembering which keys were read so that a typo'd key is an error. */
    private static final class Node {
        final String path;
        final Map<?, ?> map;
        final Set<String> read = new LinkedHashSet<>();

        Node(String path, Map<?, ?> map) {
            this.path = path;
            this.map = map;
        }

        Object raw(String key) {
            read.add(key);
            return map.get(key);
        }

        IntegrityConfigException missing(String key) {
            return new IntegrityConfigException(path + "." + key + ": is required");
        }

        String text(String key) {
            return optText(key).orElseThrow(() -> missing(key));
        }

        Optional<String> optText(String key) {
            Object v = raw(key);
            if (v == null) {
                return Optional.empty();
            }
            if (v instanceof Map || v instanceof List) {
                throw new IntegrityConfigException(path + "." + key + ": must be a single value, not " + v);
            }
            return Optional.of(v.toString());
        }

        /** A list of strings; a single string is a list of one. */
        Optional<List<String>> list(String key) {
            Object v = raw(key);
            if (v == null) {
                return Optional.empty();
            }
            if (v instanceof List<?> l) {
                List<String> out = new ArrayList<>();
                for (Object o : l) {
                    if (o == null || o instanceof Map || o instanceof List) {
                        throw new IntegrityConfigException(path + "." + key + ": '" + o + "' is not a name");
                    }
                    out.add(o.toString());
                }
                return Optional.of(out);
            }
            return Optional.of(List.of(v.toString()));
        }

        Optional<Duration> duration(String key) {
            return optText(key).map(t -> {
                try {
                    return SettingType.DURATION.parse(t);
                } catch (IllegalArgumentException e) {
                    throw new IntegrityConfigException(path + "." + key + ": " + (e.getMessage().equals("empty")
                            ? "is empty" : e.getMessage()));
                }
            });
        }

        Optional<Long> count(String key) {
            return optText(key).map(t -> {
                try {
                    long v = Long.parseLong(t.trim().replace("_", ""));
                    if (v < 0) {
                        throw new IntegrityConfigException(path + "." + key + ": '" + t + "' is negative");
                    }
                    return v;
                } catch (NumberFormatException e) {
                    throw new IntegrityConfigException(path + "." + key + ": '" + t + "' is not a whole number");
                }
            });
        }

        Optional<BigDecimal> number(String key) {
            return optText(key).map(t -> {
                try {
                    return new BigDecimal(t.trim());
                } catch (NumberFormatException e) {
                    throw new IntegrityConfigException(path + "." + key + ": '" + t + "' is not a number");
                }
            });
        }

        Node child(String key) {
            Object v = raw(key);
            if (!(v instanceof Map<?, ?> m)) {
                throw new IntegrityConfigException(path + "." + key + ": is required (a map with table, key, column, where)");
            }
            return new Node(path + "." + key, m);
        }

        void rejectUnknown() {
            for (Object k : map.keySet()) {
                String key = String.valueOf(k);
                if (!read.contains(key) && !COMMON.contains(key)) {
                    throw new IntegrityConfigException(path + "." + key + ": unknown setting");
                }
            }
        }
    }
}
