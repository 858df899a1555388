package dev.telltale.core;

import dev.telltale.core.internal.Quantities;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * The type of a setting: how a value is written in a config file, parsed and shown.
 * Durations are {@link Duration}, sizes are bytes, ratios are 0..1.
 */
public final class SettingType<T> {
    public static final SettingType<Duration> DURATION = new SettingType<>(
            "duration", "a duration such as 250ms, 30s, 5m, 2h or 1d", Duration.class,
            Quantities::parseDuration, Quantities::formatDuration);
    public static final SettingType<Long> BYTES = new SettingType<>(
            "bytes", "a size such as 512kB, 10MB or 1GB (1024-based, as in PostgreSQL), or a number of bytes",
            Long.class, Quantities::parseBytes, Quantities::formatBytes);
    public static final SettingType<Double> RATIO = new SettingType<>(
            "ratio", "a ratio from 0 to 1 such as 0.8, or a percentage such as 80%", Double.class,
            Quantities::parseRatio, Quantities::formatNumber);
    public static final SettingType<Long> COUNT = new SettingType<>(
            "count", "a whole number of 0 or more", Long.class, Quantities::parseCount, String::valueOf);
    public static final SettingType<Double> NUMBER = new SettingType<>(
            "number", "a number such as 3 or 2.5", Double.class, Quantities::parseNumber, Quantities::formatNumber);
    public static final SettingType<Boolean> FLAG = new SettingType<>(
            "flag", "true or false", Boolean.class, Quantities::parseFlag, String::valueOf);
    public static final SettingType<String> TEXT = new SettingType<>(
            "text", "any text", String.class, s -> s, s -> s);

    private final String unit;
    private final String expected;
    private final Class<T> javaType;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;

    private SettingType(String unit, String expected, Class<T> javaType, Function<String, T> parser,
                        Function<T, String> formatter) {
        this.unit = unit;
        this.expected = expected;
        this.javaType = javaType;
        this.parser = parser;
        this.formatter = formatter;
    }

    /** The unit shown by {@code telltale list}: duration, bytes, ratio, count, number, flag or text. */
    public String unit() {
        return unit;
    }

    /** What a valid value looks like, in words. */
    public String expected() {
        return expected;
    }

    public Class<T> javaType() {
        return javaType;
    }

    /** Parses a config value; throws {@link IllegalArgumentException} without the key (the caller adds it). */
    public T parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty");
        }
        return parser.apply(text.trim());
    }

    public String format(T value) {
        return formatter.apply(value);
    }

    @Override
    public String toString() {
        return unit.toLowerCase(Locale.ROOT);
    }
}
