package dev.telltale.cli.internal;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.SettingException;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Validates setting overrides against every detector telltale.jar knows, even those with no target in
 * this run (a telltale.yaml shared by several hosts may tune Redis detectors for a PostgreSQL-only run).
 */
public final class SettingsCheck {
    private final Map<String, Detector> byId = new LinkedHashMap<>();

    public SettingsCheck(List<Detector> prototypes) {
        prototypes.forEach(d -> byId.putIfAbsent(d.id(), d));
    }

    /**
     * @param origin where the keys come from, for messages: {@code --set} or the config file name
     * @throws CliException naming the key and the value
     */
    public void validate(String origin, Map<String, String> settings) {
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey();
            Detector d = owner(key).orElseThrow(() -> new CliException(origin + ": unknown setting '" + key
                    + "': no detector " + guess(key) + "; run 'telltale list' to see detectors and settings"));
            try {
                DetectorSettings.resolve(d, Map.of(key.substring(d.id().length() + 1), e.getValue()));
            } catch (SettingException ex) {
                throw new CliException(origin + ": " + ex.getMessage(), ex);
            }
        }
    }

    /** The overrides that belong to the given detectors (the rest tune detectors that are not running). */
    public static Map<String, String> forDetectors(Map<String, String> settings, List<Detector> running) {
        Set<String> ids = running.stream().map(Detector::id).collect(Collectors.toSet());
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((k, v) -> ids.stream().filter(id -> k.startsWith(id + "."))
                .findAny().ifPresent(id -> out.put(k, v)));
        return out;
    }

    private Optional<Detector> owner(String key) {
        return byId.values().stream()
                .filter(d -> key.startsWith(d.id() + ".") && key.length() > d.id().length() + 1)
                .max(Comparator.comparingInt(d -> d.id().length()));
    }

    private String guess(String key) {
        int last = key.lastIndexOf('.');
        String id = last > 0 ? key.substring(0, last) : key;
        return "'" + id + "' (detectors: " + String.join(", ", new TreeSet<>(byId.keySet())) + ")";
    }
}
