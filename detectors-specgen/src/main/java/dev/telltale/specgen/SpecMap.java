package dev.telltale.specgen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One map of a spec file, read strictly: an unknown key, a missing one or a wrong type names the key's path. */
final class SpecMap {
    private final Map<String, Object> values;
    private final String path;

    SpecMap(Map<String, Object> values, String path) {
        this.values = values == null ? Map.of() : values;
        this.path = path;
    }

    SpecMap allowOnly(Set<String> keys) {
        for (String key : values.keySet()) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException(where(key) + " is not a known key (known: " + keys + ")");
            }
        }
        return this;
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    Object raw(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(where(key) + " is missing");
        }
        return v;
    }

    String text(String key) {
        Object v = raw(key);
        if (v instanceof Map || v instanceof List) {
            throw new IllegalArgumentException(where(key) + " must be a single value, not " + v);
        }
        return v.toString().strip();
    }

    /** A map-valued key. */
    @SuppressWarnings("unchecked")
    SpecMap map(String key) {
        if (!(raw(key) instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where(key) + " must be a map");
        }
        return new SpecMap((Map<String, Object>) m, path + "." + key);
    }

    /** A key that is {@code true} or {@code false}. */
    boolean flag(String key) {
        return switch (text(key)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(where(key) + " must be true or false, not " + raw(key));
        };
    }

    List<String> texts(String key) {
        if (!has(key)) {
            return List.of();
        }
        Object v = raw(key);
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException(where(key) + " must be a list, not " + v);
        }
        return list.stream().map(Object::toString).toList();
    }

    /** The entries of a map-valued key in file order, each value itself a map (or a scalar for {@code scalarKey}). */
    @SuppressWarnings("unchecked")
    Map<String, SpecMap> entries(String key, String scalarKey) {
        Map<String, SpecMap> out = new LinkedHashMap<>();
        if (!has(key)) {
            return out;
        }
        if (!(raw(key) instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where(key) + " must be a map");
        }
        map.forEach((k, v) -> {
            String sub = path + "." + key + "." + k;
            out.put(k.toString(), v instanceof Map<?, ?> m
                    ? new SpecMap((Map<String, Object>) m, sub)
                    : new SpecMap(Map.of(scalarKey, v), sub));
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    List<SpecMap> list(String key) {
        if (!has(key)) {
            return List.of();
        }
        if (!(raw(key) instanceof List<?> list)) {
            throw new IllegalArgumentException(where(key) + " must be a list");
        }
        return list.stream().map(o -> new SpecMap((Map<String, Object>) o, path + "." + key)).toList();
    }

    String where(String key) {
        return "'" + path + "." + key + "'";
    }
}
