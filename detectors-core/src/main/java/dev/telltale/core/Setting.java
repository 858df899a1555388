package dev.telltale.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A setting a detector declares: a name relative to the detector ({@code warning}), a type, a default,
 * a description and, for ordered types, an allowed range. Its full key is {@code <detector id>.<name>},
 * for example {@code postgres.lock-waits.warning}. Declare settings as constants, list them in the
 * detector's {@link DetectorSpec} and read them with {@link DetectionContext#setting(Setting)}.
 *
 * <p>A value outside the range is refused when the engine is built, never clamped at run time: a person
 * who wrote {@code limit=0} learns that it means nothing, instead of silently getting 1.
 */
public record Setting<T>(String name, SettingType<T> type, T defaultValue, String description, Range<T> range) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");

    /**
     * Bounds of a value; {@code min} exclusive when {@code aboveMin}. Either bound may be absent.
     * Only durations, sizes, counts, numbers and ratios have one.
     */
    public record Range<T>(Optional<T> min, boolean aboveMin, Optional<T> max) {
        static <T> Range<T> none() {
            return new Range<>(Optional.empty(), false, Optional.empty());
        }
    }

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue of " + name);
        Objects.requireNonNull(description, "description of " + name);
        Objects.requireNonNull(range, "range of " + name);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("setting name '" + name
                    + "' must be lowercase words joined by '-' or '.', such as 'idle-in-transaction.warning'");
        }
        if (!type.javaType().isInstance(defaultValue)) {
            throw new IllegalArgumentException("default of setting '" + name + "' is not a " + type.unit());
        }
        if (!(defaultValue instanceof Comparable<?>) && (range.min().isPresent() || range.max().isPresent())) {
            throw new IllegalArgumentException("setting '" + name + "' is a " + type.unit() + ", which has no range");
        }
        checkDefault(type, name, defaultValue);
        String problem = outOfRange(type, range, defaultValue);
        if (problem != null) {
            throw new IllegalArgumentException("default of setting '" + name + "' " + problem);
        }
    }

    public Setting(String name, SettingType<T> type, T defaultValue, String description) {
        this(name, type, defaultValue, description, Range.none());
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

    /** The same setting with an inclusive lower bound. */
    public Setting<T> atLeast(T min) {
        return new Setting<>(name, type, defaultValue, description, new Range<>(Optional.of(min), false, range.max()));
    }

    /** The same setting with an exclusive lower bound: values must be above {@code min}. */
    public Setting<T> above(T min) {
        return new Setting<>(name, type, defaultValue, description, new Range<>(Optional.of(min), true, range.max()));
    }

    /** The same setting with an inclusive upper bound. */
    public Setting<T> atMost(T max) {
        return new Setting<>(name, type, defaultValue, description, new Range<>(range.min(), range.aboveMin(), Optional.of(max)));
    }

    /** The default as it would be written in a config file. */
    public String defaultText() {
        return type.format(defaultValue);
    }

    /** The range in words for {@code telltale list}, such as {@code 1 to 100} or {@code above 0s}; empty when unbounded. */
    public String rangeText() {
        String min = range.min().map(type::format).orElse(null);
        String max = range.max().map(type::format).orElse(null);
        if (min != null && max != null && !range.aboveMin()) {
            return min + " to " + max;
        }
        String lower = min == null ? "" : (range.aboveMin() ? "above " : "at least ") + min;
        String upper = max == null ? "" : "at most " + max;
        return lower.isEmpty() ? upper : upper.isEmpty() ? lower : lower + ", " + upper;
    }

    /** Why {@code value} is outside this setting's range, as the end of a sentence; null when it is inside. */
    String outOfRange(T value) {
        return outOfRange(type, range, value);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> String outOfRange(SettingType<T> type, Range<T> range, T value) {
        if (range.min().isPresent()) {
            int c = ((Comparable) value).compareTo(range.min().get());
            if (range.aboveMin() ? c <= 0 : c < 0) {
                String min = type.format(range.min().get());
                return type == SettingType.DURATION && range.aboveMin()
                        ? "is too short; give a duration above " + (Duration.ZERO.equals(range.min().get()) ? "0" : min)
                        : "is below the " + (range.aboveMin() ? "exclusive minimum " : "minimum ") + min;
            }
        }
        if (range.max().isPresent() && ((Comparable) value).compareTo(range.max().get()) > 0) {
            return "is above the maximum " + type.format(range.max().get());
        }
        return null;
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
