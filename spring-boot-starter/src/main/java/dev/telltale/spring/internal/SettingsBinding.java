package dev.telltale.spring.internal;

import dev.telltale.core.SettingKey;
import dev.telltale.spring.TelltaleProperties;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Between the {@code telltale.*} properties and the library's flat setting keys:
 * {@code telltale.detectors.<key>} is {@code <key>}, {@code telltale.targets.<target>.<key>} is {@code <key>@<target>}.
 */
public final class SettingsBinding {
    public static final String DETECTORS = "telltale.detectors.";
    public static final String TARGETS = "telltale.targets.";

    private SettingsBinding() {
    }

    public static Map<String, String> flat(TelltaleProperties p) {
        Map<String, String> out = new LinkedHashMap<>(p.getDetectors());
        p.getTargets().forEach((target, keys) -> keys.forEach((k, v) -> out.put(SettingKey.scoped(k, target), v)));
        return out;
    }

    /** The property a flat key came from, for messages that must name what the user wrote. */
    public static String propertyOf(String flatKey) {
        int at = flatKey.lastIndexOf(SettingKey.TARGET_SEPARATOR);
        return at < 0 ? DETECTORS + flatKey : TARGETS + flatKey.substring(at + 1) + "." + flatKey.substring(0, at);
    }
}
