package dev.telltale.postgres.integrity.internal;

import dev.telltale.core.Problem;
import dev.telltale.core.SettingType;
import dev.telltale.core.Severity;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The shape of a check setting's value in {@code telltale.yaml}, how it is read, and how the reference names
 * what is expected. Names (tables, columns) are read as text here; their shape is checked by the builders, so
 * code and configuration refuse the same names with the same message.
 */
public enum FieldType {
    TEXT("text"),
    NAME("a name: 1 to 63 letters, digits, `.`, `_`, `:` or `-`"),
    TABLE("a table or `schema.table`"),
    COLUMN("a column"),
    COLUMNS("a column or a list of columns"),
    VALUES("a value or a list of values"),
    CONDITION("an SQL condition"),
    QUERY("an SQL `select` (or `with ... select`)"),
    DURATION("a duration (`30s`, `5m`, `2h`, `30d`), 0 or more"),
    POSITIVE_DURATION("a duration (`30s`, `5m`, `2h`, `30d`) above 0"),
    COUNT("a whole number, 0 or more"),
    NUMBER("a number"),
    PROBLEM("a catalogue problem id (`concurrency/double-charge-payment`)"),
    SEVERITY("`info`, `warning` or `critical`"),
    TARGET("the name of another configured target"),
    MAP("a map");

    private final String expected;

    FieldType(String expected) {
        this.expected = expected;
    }

    /** What a value must be, in the words of the reference and of the errors. */
    public String expected() {
        return expected;
    }

    /**
     * The value read from its YAML form.
     *
     * @param at      the key path, {@code integrity.duplicates[0].window}
     * @param raw     the value as the YAML parser handed it over (never null)
     * @param targets finds another configured target by name
     * @throws IntegrityConfigException naming {@code at}, the value and what is expected
     */
    Object read(String at, Object raw, Function<String, Optional<PostgresTarget>> targets) {
        return switch (this) {
            case COLUMNS, VALUES -> list(at, raw);
            case MAP -> {
                if (!(raw instanceof Map<?, ?> m)) {
                    throw new IntegrityConfigException(at + ": '" + raw + "' is not a map");
                }
                yield m;
            }
            case DURATION, POSITIVE_DURATION -> duration(at, single(at, raw));
            case COUNT -> count(at, single(at, raw));
            case NUMBER -> number(at, single(at, raw));
            case PROBLEM -> {
                String p = single(at, raw);
                yield Problem.byId(p).orElseThrow(() -> new IntegrityConfigException(at + ": '" + p
                        + "' is not a catalogue problem id (like concurrency/double-charge-payment)"));
            }
            case SEVERITY -> {
                String s = single(at, raw);
                try {
                    yield Severity.valueOf(s.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IntegrityConfigException(at + ": '" + s + "' is not info, warning or critical");
                }
            }
            case TARGET -> {
                String name = single(at, raw);
                yield targets.apply(name).orElseThrow(() -> new IntegrityConfigException(
                        at + ": no target named '" + name + "' is configured"));
            }
            default -> single(at, raw);
        };
    }

    private String single(String at, Object raw) {
        if (raw instanceof Map || raw instanceof List) {
            throw new IntegrityConfigException(at + ": '" + raw + "' is not a single value; expected " + expected);
        }
        return raw.toString();
    }

    /** A list of names or values; a single one is a list of one. */
    private static List<String> list(String at, Object raw) {
        if (!(raw instanceof List<?> l)) {
            if (raw instanceof Map) {
                throw new IntegrityConfigException(at + ": '" + raw + "' is a map; expected one value or a list");
            }
            return List.of(raw.toString());
        }
        List<String> out = new ArrayList<>();
        for (Object o : l) {
            if (o == null || o instanceof Map || o instanceof List) {
                throw new IntegrityConfigException(at + ": '" + o + "' is not a name");
            }
            out.add(o.toString());
        }
        return List.copyOf(out);
    }

    private Duration duration(String at, String text) {
        Duration d;
        try {
            d = SettingType.DURATION.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IntegrityConfigException(at + ": " + (e.getMessage().equals("empty") ? "is empty; expected " + expected
                    : e.getMessage()));
        }
        if (this == POSITIVE_DURATION && d.isZero()) {
            throw new IntegrityConfigException(at + ": '" + text + "' must be above 0");
        }
        return d;
    }

    private static long count(String at, String text) {
        long v;
        try {
            v = Long.parseLong(text.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IntegrityConfigException(at + ": '" + text + "' is not a whole number");
        }
        if (v < 0) {
            throw new IntegrityConfigException(at + ": '" + text + "' is negative; expected 0 or more");
        }
        return v;
    }

    private static BigDecimal number(String at, String text) {
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new IntegrityConfigException(at + ": '" + text + "' is not a number (like 0, 5 or 2.5)");
        }
    }
}
