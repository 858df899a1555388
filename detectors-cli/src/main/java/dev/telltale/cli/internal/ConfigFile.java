package dev.telltale.cli.internal;

import dev.telltale.core.SettingKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code telltale.yaml}:
 * <pre>
 * targets:
 *   postgres:
 *     - shop=postgresql://telltale@db:5432/shop      # or {name: shop, url: ...}
 *   redis:
 *     - redis://cache:6379
 * detectors:
 *   postgres.lock-waits:
 *     enabled: true
 *     interval: 15s
 *     warning: 30s
 *   postgres.lock-waits@shop:  # for target shop only; wins over the lines above
 *     warning: 5s
 * clusters:                   # endpoints that belong together: topology detectors compare them
 *   orders: [pg-a, pg-b]       # target names; others of a kind are compared by lineage
 * integrity:                  # checks over the application's tables, on the first PostgreSQL target
 *   duplicates:
 *     - table: payments
 *       key: idempotency_key
 * </pre>
 * Every error names the file and the key path ({@code detectors.postgres.lock-waits.warning}).
 */
public final class ConfigFile {
    private static final Set<String> TOP_LEVEL = Set.of("targets", "detectors", "clusters", "integrity");

    /** What a file says: targets by kind, flat settings ({@code postgres.lock-waits.warning=30s}), integrity checks. */
    public record Config(List<TargetSpec> targets, Map<String, String> settings, Map<String, List<String>> clusters,
                         Map<String, Object> integrity) {
        public static final Config EMPTY = new Config(List.of(), Map.of(), Map.of(), Map.of());

        public Config {
            targets = List.copyOf(targets);
            clusters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
            settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
            integrity = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(integrity));
        }
    }

    private ConfigFile() {
    }

    /** @param kinds the target kinds: their names are the keys under {@code targets:} */
    public static Config read(Path file, Collection<TargetKind> kinds) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CliException("--config: file " + file + " does not exist");
        } catch (MalformedInputException e) {
            throw new CliException("--config: " + file + " is not UTF-8 text (a binary file?)");
        } catch (IOException e) {
            throw new CliException("--config: cannot read " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        if (text.indexOf('\0') >= 0) {
            throw new CliException("--config: " + file + " is a binary file, not YAML");
        }
        return parse(file.getFileName().toString(), text, kinds);
    }

    public static Config parse(String source, String yaml, Collection<TargetKind> kinds) {
        return parse(source, yaml, kinds, Placeholders.fromEnvironment());
    }

    /** @param placeholders resolves {@code ${ENV_VAR}} and {@code ${file:/path}} in every value */
    public static Config parse(String source, String yaml, Collection<TargetKind> kinds, Placeholders placeholders) {
        JsonNode root = YamlErrors.read(source, yaml);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return Config.EMPTY;
        }
        root = resolve(source, "", root, placeholders);
        if (!root.isObject()) {
            throw new CliException(source + ": expected a mapping with keys " + String.join(", ", sorted(TOP_LEVEL)));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_LEVEL.contains(key)) {
                throw new CliException(source + ": unknown key '" + key + "'; expected one of "
                        + String.join(", ", sorted(TOP_LEVEL)));
            }
        }
        List<TargetSpec> targets = targets(source, root.path("targets"), kinds);
        Map<String, String> settings = new LinkedHashMap<>();
        JsonNode detectors = root.path("detectors");
        if (!detectors.isMissingNode() && !detectors.isNull()) {
            if (!detectors.isObject()) {
                throw new CliException(source + ": 'detectors' must map detector ids to their settings");
            }
            detectors.fields().forEachRemaining(e -> {
                if (!e.getValue().isObject()) {
                    throw new CliException(source + ": 'detectors." + e.getKey()
                            + "' must be a mapping of settings such as 'warning: 30s'");
                }
                // 'postgres.lock-waits@shop' scopes its settings to target shop: postgres.lock-waits.warning@shop
                int at = e.getKey().lastIndexOf(SettingKey.TARGET_SEPARATOR);
                String id = at < 0 ? e.getKey() : e.getKey().substring(0, at);
                Map<String, String> own = new LinkedHashMap<>();
                flatten(source, "detectors." + e.getKey(), id, e.getValue(), own);
                own.forEach((k, v) -> settings.put(at < 0 ? k : SettingKey.scoped(k, e.getKey().substring(at + 1)), v));
            });
        }
        Map<String, Object> integrity = new LinkedHashMap<>();
        JsonNode checks = root.path("integrity");
        if (!checks.isMissingNode() && !checks.isNull()) {
            if (!checks.isObject()) {
                throw new CliException(source + ": 'integrity' must map a check kind (duplicates, orphans, ...) to a list of checks");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new ObjectMapper().convertValue(checks, LinkedHashMap.class);
            integrity.putAll(m);
        }
        return new Config(targets, settings, clusters(source, root.path("clusters")), integrity);
    }

    /** {@code clusters: {orders: [pg-a, pg-b]}}: group name to target names (checked against the targets later). */
    private static Map<String, List<String>> clusters(String source, JsonNode node) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new CliException(source + ": 'clusters' must map a group name to a list of target names, such as "
                    + "'orders: [pg-a, pg-b]'");
        }
        node.fields().forEachRemaining(e -> {
            List<String> names = new ArrayList<>();
            JsonNode list = e.getValue();
            if (list.isArray()) {
                list.forEach(n -> {
                    if (!n.isTextual()) {
                        throw new CliException(source + ": 'clusters." + e.getKey() + "' must list target names; got '" + n + "'");
                    }
                    names.add(n.asText().trim());
                });
            } else if (list.isTextual()) {
                for (String n : list.asText().split(",")) {
                    names.add(n.trim());
                }
            } else {
                throw new CliException(source + ": 'clusters." + e.getKey() + "' must be a list of target names such as [pg-a, pg-b]");
            }
            out.put(e.getKey(), names);
        });
        return out;
    }

    private static List<TargetSpec> targets(String source, JsonNode node, Collection<TargetKind> kinds) {
        List<TargetSpec> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        Map<String, TargetKind> byName = new LinkedHashMap<>();
        kinds.forEach(k -> byName.put(k.name(), k));
        String names = String.join(", ", sorted(byName.keySet()));
        if (!node.isObject()) {
            throw new CliException(source + ": 'targets' must map a kind (" + names + ") to a list of URLs");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            TargetKind kind = byName.get(e.getKey());
            if (kind == null) {
                throw new CliException(source + ": unknown key 'targets." + e.getKey() + "'; expected one of " + names);
            }
            JsonNode list = e.getValue().isArray() ? e.getValue() : new ObjectMapper().createArrayNode().add(e.getValue());
            for (int i = 0; i < list.size(); i++) {
                JsonNode t = list.get(i);
                String path = "targets." + kind.name() + "[" + i + "]";
                try {
                    if (t.isTextual()) {
                        out.add(TargetSpec.parse(kind, path, t.asText()));
                    } else if (t.isObject()) {
                        for (Iterator<String> f = t.fieldNames(); f.hasNext(); ) {
                            String k = f.next();
                            if (!k.equals("name") && !k.equals("url")) {
                                throw new CliException("unknown key '" + path + "." + k + "'; expected name, url");
                            }
                        }
                        if (!t.path("url").isTextual()) {
                            throw new CliException("'" + path + ".url' is missing");
                        }
                        String url = t.path("url").asText();
                        out.add(TargetSpec.of(kind, path, t.has("name") ? t.get("name").asText() : null, url));
                    } else {
                        throw new CliException("'" + path + "' must be a URL or {name, url}");
                    }
                } catch (CliException ex) {
                    throw new CliException(source + ": " + ex.getMessage(), ex);
                }
            }
        }
        return out;
    }

    /** Nested mappings join with '.', so {@code idle-in-transaction: {warning: 30s}} is {@code idle-in-transaction.warning}. */
    private static void flatten(String source, String path, String key, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(source, path + "." + e.getKey(), key + "." + e.getKey(), e.getValue(), out));
        } else if (node.isValueNode() && !node.isNull()) {
            out.put(key, node.asText());
        } else {
            throw new CliException(source + ": '" + path + "' must be a single value such as 30s, 0.8 or true");
        }
    }

    /** The tree with every text value's placeholders resolved; errors name the key path. */
    private static JsonNode resolve(String source, String path, JsonNode node, Placeholders placeholders) {
        if (node.isTextual()) {
            return TextNode.valueOf(placeholders.resolve(source + ": '" + (path.isEmpty() ? "(top)" : path) + "'", node.asText()));
        }
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                o.set(n, resolve(source, path.isEmpty() ? n : path + "." + n, o.get(n), placeholders));
            }
        } else if (node.isArray()) {
            ArrayNode a = (ArrayNode) node;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, resolve(source, path + "[" + i + "]", a.get(i), placeholders));
            }
        }
        return node;
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
