package dev.telltale.cli.internal;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.SettingException;
import dev.telltale.core.SettingKey;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Validates setting overrides against the spec of every detector telltale.jar knows, before any target is
 * contacted, even for detectors with no target in this run (a telltale.yaml shared by several hosts may
 * tune Redis detectors for a PostgreSQL-only run). Values are checked together per detector and target,
 * so a warning above its critical is refused here, not at the first run.
 */
public final class SettingsCheck {
    private final Map<String, DetectorSpec> byId = new LinkedHashMap<>();
    private final Set<String> targets;

    /** @param targets the names of this run's targets, which {@code key@target} settings must name */
    public SettingsCheck(List<DetectorSpec> specs, List<String> targets) {
        specs.forEach(d -> byId.putIfAbsent(d.id(), d));
        this.targets = new TreeSet<>(targets);
    }

    /**
     * @param origin where the keys come from, for messages: {@code --set} or the config file name
     * @throws CliException naming the key and the value
     */
    public void validate(String origin, Map<String, String> settings) {
        // detector id -> target (empty for every target) -> overrides by setting name
        Map<String, Map<String, Map<String, String>>> grouped = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            SettingKey key;
            try {
                key = SettingKey.parse(e.getKey());
            } catch (SettingException ex) {
                throw new CliException(origin + ": " + ex.getMessage(), ex);
            }
            key.target().filter(t -> !targets.contains(t)).ifPresent(t -> {
                throw new CliException(origin + ": setting '" + e.getKey() + "' names target '" + t
                        + "', which this run does not have; targets: " + String.join(", ", targets));
            });
            DetectorSpec d = owner(key.key()).orElseThrow(() -> new CliException(origin + ": unknown setting '"
                    + e.getKey() + "': no detector " + guess(key.key()) + "; run 'telltale list' to see detectors and settings"));
            grouped.computeIfAbsent(d.id(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(key.target().orElse(""), k -> new LinkedHashMap<>())
                    .put(key.key().substring(d.id().length() + 1), e.getValue());
        }
        grouped.forEach((id, byTarget) -> {
            Map<String, String> general = byTarget.getOrDefault("", Map.of());
            byTarget.forEach((target, own) -> {
                Map<String, String> merged = new LinkedHashMap<>(general);
                merged.putAll(own);
                try {
                    DetectorSettings.resolve(byId.get(id), merged);
                } catch (SettingException ex) {
                    throw new CliException(origin + ": " + ex.getMessage() + (target.isEmpty() ? "" : " (on target '" + target + "')"), ex);
                }
            });
        });
    }

    /**
     * The overrides that belong to the given detectors: the rest tune detectors that are not running, or a
     * target that is left out of this run because it is down.
     */
    public static Map<String, String> forDetectors(Map<String, String> settings, List<Detector> running) {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            SettingKey key = SettingKey.parse(k);
            boolean runs = running.stream().anyMatch(d -> key.key().startsWith(d.id() + ".")
                    && key.target().map(t -> t.equals(d.target())).orElse(true));
            if (runs) {
                out.put(k, v);
            }
        });
        return out;
    }

    private Optional<DetectorSpec> owner(String key) {
        return byId.values().stream()
                .filter(d -> key.startsWith(d.id() + ".") && key.length() > d.id().length() + 1)
                .max(Comparator.comparingInt(d -> d.id().length()));
    }

    /** The detector the key seems to name, and the three closest there are. */
    private String guess(String key) {
        int last = key.lastIndexOf('.');
        String id = last > 0 ? key.substring(0, last) : key;
        return "'" + id + "' (did you mean " + String.join(" or ", Closest.to(id, byId.keySet(), 3)) + "?)";
    }
}
