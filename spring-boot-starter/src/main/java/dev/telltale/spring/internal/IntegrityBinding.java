package dev.telltale.spring.internal;

import dev.telltale.core.Detector;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfig;
import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.spring.TelltaleConfigurationException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code telltale.postgres.integrity.*} read by the library's own reader of the {@code integrity:} section, so a check
 * is written as in telltale.yaml and refused with the same words, prefixed with where the properties put it.
 */
public final class IntegrityBinding {
    private static final String PREFIX = "telltale.postgres.";

    private IntegrityBinding() {
    }

    /**
     * The integrity detectors of {@code target}; none without checks.
     *
     * @throws TelltaleConfigurationException naming the property and the value refused
     */
    public static List<Detector> detectors(PostgresTarget target, Map<String, ? extends List<? extends Map<String, ?>>> bound) {
        if (bound.isEmpty()) {
            return List.of();
        }
        Map<String, Object> section = new LinkedHashMap<>();
        bound.forEach((kind, checks) -> section.put(kind, section(checks)));
        try {
            // replica-drift names its replica among the configured targets: the starter watches one server
            return IntegrityConfig.fromMap(target, section, name -> Optional.empty()).detectors();
        } catch (IntegrityConfigException e) {
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            String property = PREFIX + (colon < 0 ? "integrity" : message.substring(0, colon));
            throw new TelltaleConfigurationException(property, "Telltale refuses " + PREFIX + message, e);
        }
    }

    /**
     * Boot binds a YAML list inside a map of objects as a map keyed {@code 0, 1, ...}: back to the list the reader
     * expects, at any depth.
     */
    static Object section(Object value) {
        if (value instanceof Map<?, ?> m) {
            if (!m.isEmpty() && indexed(m)) {
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < m.size(); i++) {
                    list.add(section(m.get(String.valueOf(i))));
                }
                return list;
            }
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, section(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(IntegrityBinding::section).toList();
        }
        return value;
    }

    private static boolean indexed(Map<?, ?> m) {
        for (int i = 0; i < m.size(); i++) {
            if (!m.containsKey(String.valueOf(i))) {
                return false;
            }
        }
        return true;
    }
}
