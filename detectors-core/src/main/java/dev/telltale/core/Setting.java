package dev.telltale.core;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A setting a detector declares: a name relative to the detector ({@code warning}), a type, a default,
 * and a description. Its full key is {@code <detector id>.<name>}, for example
 * {@code postgres.lock-waits.warning}. Declare settings as constants and read them with
 * {@link DetectionContext#setting(Setting)}.
 */
public record Setting<T>(String name, SettingType<T> type, T defaultValue, String description) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue of " + name);
        Objects.requireNonNull(description, "description of " + name);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("setting name '" + name
                    + "' must be lowercase words joined by '-' or '.', such as 'idle-in-transaction.warning'");
        }
        if (!type.javaType().isInstance(defaultValue)) {
            throw new IllegalArgumentException("default of setting '" + name + "' is not a " + type.unit());
        }
        checkDefault(type, name, defaultValue);
    }

    public static Setting<Duration> duration(String name, Duration defaultValue, String description) {
        return new Setting<>(name, SettingType.DURATION, defaultValue, description);
    }

    public static Setting<Long> bytes(String name, long defaultValue, String description) {
        return new Setting<>(name, SettingType.BYTES, defaultValue, description);
    }

    public static Setting<Double> ratio(String name, double defaultValue, String description) {
        return new Setting<>(name, SettingType.RATIO, defaultValue, description);
    }

    public static Setting<Long> count(String name, long defaultValue, String description) {
        return new Setting<>(name, SettingType.COUNT, defaultValue, description);
    }

    public static Setting<Double> number(String name, double defaultValue, String description) {
        return new Setting<>(name, SettingType.NUMBER, defaultValue, description);
    }

    public static Setting<Boolean> flag(String name, boolean defaultValue, String description) {
        return new Setting<>(name, SettingType.FLAG, defaultValue, description);
    }

    public static Setting<String> text(String name, String defaultValue, String description) {
        return new Setting<>(name, SettingType.TEXT, defaultValue, description);
    }

    /** The default as it would be written in a config file. */
    public String defaultText() {
        return type.format(defaultValue);
    }

    private static <T> void checkDefault(SettingType<T> type, String name, T value) {
        // Re-parse the formatted default so that a default outside the type's range fails at declaration.
        try {
            type.parse(type.format(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("default of setting '" + name + "' is invalid: " + e.getMessage(), e);
        }
    }
}
