package dev.telltale.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resolved settings of one detector: each declared setting's default, overridden by code or a flat
 * key map such as {@code postgres.lock-waits.warning=30s}. Every detector also has {@link #ENABLED},
 * {@code interval} (its own default) and {@link #TIMEOUT}.
 */
public final class DetectorSettings {
    public static final Setting<Boolean> ENABLED = Setting.flag("enabled", true, "Whether the detector runs at all.");
    public static final Setting<Duration> TIMEOUT = Setting.duration("timeout", Duration.ofSeconds(10),
            "Deadline of one run; a run still going then is recorded as a timeout.").above(Duration.ZERO);

    private final String detectorId;
    private final Map<String, Setting<?>> declared;
    private final Map<String, Object> values;

    private DetectorSettings(String detectorId, Map<String, Setting<?>> declared, Map<String, Object> values) {
        this.detectorId = detectorId;
        this.declared = declared;
        this.values = values;
    }

    /** The common {@code timeout} setting with another default, for detectors whose runs take longer by design. */
    public static Setting<Duration> timeout(Duration defaultTimeout) {
        return Setting.duration("timeout", defaultTimeout, TIMEOUT.description()).above(Duration.ZERO);
    }

    public static Setting<Duration> interval(Duration defaultInterval) {
        return Setting.duration("interval", defaultInterval, "Time between the end of one run and the start of the next.")
                .above(Duration.ZERO);
    }

    /** Resolves the settings of a detector instance; see {@link #resolve(DetectorSpec, Map)}. */
    public static DetectorSettings resolve(Detector detector, Map<String, String> overrides) {
        return resolve(detector.spec(), overrides);
    }

    /**
     * Resolves a detector's settings from overrides keyed by setting name (relative to the detector), then
     * checks every value against its range and the spec's rules.
     *
     * @throws SettingException naming the full key and the value, for an unknown name, a bad value, a value
     *                          out of range or two values that break a rule
     */
    public static DetectorSettings resolve(DetectorSpec spec, Map<String, String> overrides) {
        Map<String, Setting<?>> declared = new LinkedHashMap<>();
        for (Setting<?> s : spec.allSettings()) {
            declared.put(s.name(), s);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        declared.forEach((name, s) -> values.put(name, s.defaultValue()));
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String key = spec.id() + "." + e.getKey();
            Setting<?> s = declared.get(e.getKey());
            if (s == null) {
                throw new SettingException(key, "unknown setting '" + key + "'; " + spec.id() + " has: "
                        + String.join(", ", new TreeSet<>(declared.keySet())));
            }
            values.put(e.getKey(), parse(key, s, e.getValue()));
        }
        DetectorSettings resolved = new DetectorSettings(spec.id(), Collections.unmodifiableMap(declared),
                Collections.unmodifiableMap(values));
        for (SettingRule rule : spec.rules()) {
            rule.check(resolved);
        }
        return resolved;
    }

    /** Parses one value, with an error that names the key, the value and what was expected. */
    public static <T> T parse(String key, Setting<T> setting, String text) {
        T value;
        try {
            value = setting.type().parse(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new SettingException(key, "setting '" + key + "': " + describe(text, e) + "; expected "
                    + setting.type().expected());
        }
        String outside = setting.outOfRange(value);
        if (outside != null) {
            throw new SettingException(key, "setting '" + key + "': '" + text.trim() + "' " + outside);
        }
        return value;
    }

    private static String describe(String text, RuntimeException e) {
        if (e instanceof ArithmeticException) {
            return "'" + text.trim() + "' is too large";
        }
        return "empty".equals(e.getMessage()) ? "no value given" : e.getMessage() == null ? "'" + text + "' is invalid" : e.getMessage();
    }

    public <T> T get(Setting<T> setting) {
        Setting<?> known = declared.get(setting.name());
        if (known == null || known.type() != setting.type()) {
            throw new IllegalStateException("detector " + detectorId + " reads setting '" + setting.name()
                    + "' that it does not declare in settings()");
        }
        return setting.type().javaType().cast(values.get(setting.name()));
    }

    public boolean enabled() {
        return (Boolean) values.get("enabled");
    }

    public Duration interval() {
        return (Duration) values.get("interval");
    }

    public Duration timeout() {
        return (Duration) values.get("timeout");
    }

    public String detectorId() {
        return detectorId;
    }

    public Set<String> names() {
        return declared.keySet();
    }

    /** The current value of a setting as it would be written in a config file. */
    public String text(String name) {
        Setting<?> s = declared.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no setting '" + name + "' in " + detectorId);
        }
        return format(s, values.get(name));
    }

    @SuppressWarnings("unchecked")
    private static <T> String format(Setting<T> s, Object value) {
        return s.type().format((T) value);
    }
}
