package dev.telltale.core;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A gauge a detector publishes, declared once: its name below {@code telltale.}, description, base unit
 * and tag keys. Prometheus accepts one tag-key set per name, so the keys are part of the declaration and
 * every value must give all of them. Tag values must be bounded: detector ids, node names, ranks, states;
 * never SQL text, key names, pids or query ids.
 */
public record SignalSpec(String name, String description, String baseUnit, List<String> tagKeys) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
    private static final Pattern TAG = Pattern.compile("[a-z][a-z0-9_]*");

    public SignalSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description of " + name);
        Objects.requireNonNull(baseUnit, "baseUnit of " + name);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("signal name '" + name
                    + "' must be lowercase dotted words such as 'postgres.connections.used'");
        }
        tagKeys = List.copyOf(tagKeys);
        for (String key : tagKeys) {
            if (!TAG.matcher(key).matches() || key.equals("target")) {
                throw new IllegalArgumentException("signal '" + name + "': tag key '" + key
                        + "' must be a lowercase word and not 'target' (the engine adds it)");
            }
        }
    }

    public static SignalSpec of(String name, String baseUnit, String description, String... tagKeys) {
        return new SignalSpec(name, description, baseUnit, List.of(tagKeys));
    }

    /** The meter name as registered: {@code telltale.<name>}. */
    public String meterName() {
        return "telltale." + name;
    }

    /** A value of this signal; tag values in the order of {@link #tagKeys()}. */
    public Signal value(double value, String... tagValues) {
        return new Signal(this, List.of(tagValues), value);
    }
}
