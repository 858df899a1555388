package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityConfigException;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A table or column name as the user wrote it, checked for shape before it gets near the server, and
 * always sent quoted. Names are case-sensitive as written (the usual lower-case names need no care).
 */
public record Ident(Optional<String> schema, String name) {
    private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    public static Ident table(String what, String text) {
        if (text == null || text.isBlank()) {
            throw new IntegrityConfigException(what + ": a table name is required");
        }
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length > 2) {
            throw new IntegrityConfigException(what + ": '" + text + "' is not a table name (give table or schema.table)");
        }
        for (String p : parts) {
            check(what, text, p);
        }
        return parts.length == 2 ? new Ident(Optional.of(parts[0]), parts[1]) : new Ident(Optional.empty(), parts[0]);
    }

    public static String column(String what, String text) {
        if (text == null || text.isBlank()) {
            throw new IntegrityConfigException(what + ": a column name is required");
        }
        check(what, text, text.trim());
        return text.trim();
    }

    private static void check(String what, String whole, String part) {
        if (!PART.matcher(part).matches()) {
            throw new IntegrityConfigException(what + ": '" + whole + "' is not a plain SQL identifier "
                    + "(letters, digits, '_' or '$', starting with a letter or '_', at most 63)");
        }
    }

    /** Double-quoted for SQL. The shape check already excludes quotes, so no escaping is needed. */
    public static String quote(String name) {
        return '"' + name + '"';
    }

    public String quoted() {
        return schema.map(s -> quote(s) + ".").orElse("") + quote(name);
    }

    @Override
    public String toString() {
        return schema.map(s -> s + ".").orElse("") + name;
    }
}
