package dev.telltale.core.internal;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.SettingException;
import dev.telltale.core.SettingKey;

import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns flat setting keys into the resolved settings of each detector instance. A key is
 * {@code <detector id>.<setting>} for every target, or {@code <detector id>.<setting>@<target>} for one
 * target only; the per-target value wins over the general one. Every key must name a detector (and, with
 * {@code @}, a target that detector runs on): a typo is an error, never a silently ignored setting.
 */
public final class SettingsResolution {
    private static final char TARGET_SEPARATOR = SettingKey.TARGET_SEPARATOR;

    private SettingsResolution() {
    }

    /**
     * @throws SettingException naming the key and the value, for an unknown detector, target or setting, a bad
     *                          value or values that break a rule of the detector's spec
     */
    public static Map<Detector, DetectorSettings> resolve(List<Detector> detectors, Map<String, String> flat) {
        Set<String> ids = new TreeSet<>();
        Map<String, Set<String>> targetsById = new LinkedHashMap<>();
        for (Detector d : detectors) {
            ids.add(d.id());
            targetsById.computeIfAbsent(d.id(), k -> new TreeSet<>()).add(d.target());
        }
        Map<String, Map<String, String>> general = new LinkedHashMap<>();
        Map<String, Map<String, String>> scoped = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : flat.entrySet()) {
            SettingKey key = SettingKey.parse(e.getKey());
            String id = owner(key.key(), ids);
            String name = key.key().substring(id.length() + 1);
            if (key.target().isEmpty()) {
                general.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(name, e.getValue());
            } else {
                Set<String> targets = targetsById.get(id);
                String target = key.target().get();
                if (!targets.contains(target)) {
                    throw new SettingException(e.getKey(), "setting '" + e.getKey() + "': no detector " + id + " on target '"
                            + target + "'; " + id + " runs on: " + String.join(", ", targets));
                }
                scoped.computeIfAbsent(id + TARGET_SEPARATOR + target, k -> new LinkedHashMap<>()).put(name, e.getValue());
            }
        }
        Map<Detector, DetectorSettings> resolved = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Detector d : detectors) {
            if (!seen.add(d.id() + TARGET_SEPARATOR + d.target())) {
                throw new IllegalArgumentException("two detectors with id " + d.id() + " on target " + d.target());
            }
            Map<String, String> overrides = new LinkedHashMap<>(general.getOrDefault(d.id(), Map.of()));
            Map<String, String> own = scoped.getOrDefault(d.id() + TARGET_SEPARATOR + d.target(), Map.of());
            overrides.putAll(own);
            resolved.put(d, resolveScoped(d, overrides, own.isEmpty() ? null : d.target()));
        }
        return resolved;
    }

    private static DetectorSettings resolveScoped(Detector d, Map<String, String> overrides, String target) {
        try {
            return DetectorSettings.resolve(d, overrides);
        } catch (SettingException e) {
            if (target == null) {
                throw e;
            }
            throw new SettingException(e.key(), e.getMessage() + " (on target '" + target + "')");
        }
    }

    private static String owner(String key, Set<String> ids) {
        return ids.stream()
                .filter(id -> key.startsWith(id + ".") && key.length() > id.length() + 1)
                .max(Comparator.comparingInt(String::length))
                .orElseThrow(() -> new SettingException(key, "unknown setting '" + key + "': no detector "
                        + guessId(key) + " here" + (ids.isEmpty() ? "" : "; detectors: " + String.join(", ", ids))));
    }

    private static String guessId(String key) {
        int last = key.lastIndexOf('.');
        return last > 0 ? "'" + key.substring(0, last) + "'" : "matches it";
    }

}
