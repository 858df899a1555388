package dev.telltale.postgres.integrity.internal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One setting of a check in {@code telltale.yaml}: its key, the shape of its value, whether it must be given,
 * and the sentence the reference in {@code INTEGRITY.md} shows. The YAML reader and that reference are both
 * driven by these tables, so a setting is described once.
 *
 * @param key         the YAML key, {@code time-column}
 * @param type        the shape of the value
 * @param required    whether every check of the kind must give it
 * @param with        a setting this one goes with: each needs the other ({@code window} and {@code time-column})
 * @param defaultText what applies when it is not given, in words (empty: nothing to say)
 * @param description one sentence for the reference
 * @param fields      for a {@link FieldType#MAP}: the settings of the nested map
 */
public record Field(String key, FieldType type, boolean required, Optional<String> with, String defaultText,
                    String description, List<Field> fields) {
    public Field {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(with, "with");
        Objects.requireNonNull(defaultText, "defaultText");
        Objects.requireNonNull(description, "description");
        fields = List.copyOf(fields);
    }

    public static Field required(String key, FieldType type, String description) {
        return new Field(key, type, true, Optional.empty(), "", description, List.of());
    }

    public static Field optional(String key, FieldType type, String defaultText, String description) {
        return new Field(key, type, false, Optional.empty(), defaultText, description, List.of());
    }

    /** A nested map of settings ({@code a:} and {@code b:} of a reconciliation). */
    public static Field map(String key, String description, Field... fields) {
        return new Field(key, FieldType.MAP, true, Optional.empty(), "", description, List.of(fields));
    }

    /** This setting, given only together with {@code other} (and {@code other} only with this one). */
    public Field with(String other) {
        return new Field(key, type, required, Optional.of(other), defaultText, description, fields);
    }
}
