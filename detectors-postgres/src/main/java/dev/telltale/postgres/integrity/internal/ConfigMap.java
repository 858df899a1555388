package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One map of check settings from {@code telltale.yaml}, read against its table of {@link Field}s: every value
 * has the shape its field says, every required setting is there, settings that go together come together,
 * and a key no field names is an error listing the known keys. The getters then hand out typed values.
 */
public final class ConfigMap {
    private final String path;
    private final Map<String, Object> values;

    private ConfigMap(String path, Map<String, Object> values) {
        this.path = path;
        this.values = values;
    }

    /**
     * @param path    how errors name this map, {@code integrity.duplicates[0]}
     * @param raw     the map as the YAML parser handed it over
     * @param fields  the settings it may hold
     * @param targets finds another configured target by name
     * @throws IntegrityConfigException naming the key, the value and what is expected
     */
    public static ConfigMap read(String path, Map<?, ?> raw, List<Field> fields,
                                 Function<String, Optional<PostgresTarget>> targets) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field f : fields) {
            Object v = raw.get(f.key());
            String at = path + "." + f.key();
            if (v == null) {
                if (f.required()) {
                    throw new IntegrityConfigException(at + ": is required" + (f.type() == FieldType.MAP
                            ? " (a map with " + f.fields().stream().map(Field::key).collect(Collectors.joining(", ")) + ")" : ""));
                }
                continue;
            }
            Object read = f.type().read(at, v, targets);
            values.put(f.key(), f.type() == FieldType.MAP ? read(at, (Map<?, ?>) read, f.fields(), targets) : read);
        }
        for (Field f : fields) {
            if (f.with().isPresent() && values.containsKey(f.key()) && !values.containsKey(f.with().get())) {
                throw new IntegrityConfigException(path + "." + f.with().get() + ": is required with " + f.key());
            }
        }
        for (Object k : raw.keySet()) {
            String key = String.valueOf(k);
            if (fields.stream().noneMatch(f -> f.key().equals(key))) {
                throw new IntegrityConfigException(path + "." + key + ": unknown setting; known: "
                        + fields.stream().map(Field::key).collect(Collectors.joining(", ")));
            }
        }
        return new ConfigMap(path, values);
    }

    /** The key path of this map. */
    public String path() {
        return path;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** A value whose field is required (or known to be present), as its type reads it. */
    @SuppressWarnings("unchecked")
    public <T> T get(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalStateException(path + "." + key + " is not present");
        }
        return (T) v;
    }

    @SuppressWarnings("unchecked")
    public <T> Optional<T> opt(String key) {
        return Optional.ofNullable((T) values.get(key));
    }

    /** A {@link FieldType#COLUMNS} or {@link FieldType#VALUES} value, for the builders' varargs. */
    public String[] names(String key) {
        return this.<List<String>>get(key).toArray(String[]::new);
    }

    public Optional<String[]> optNames(String key) {
        return has(key) ? Optional.of(names(key)) : Optional.empty();
    }
}
