package dev.telltale.postgres.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One query, kept as a {@code .sql} resource next to the class that runs it, with optional variants for
 * newer servers. {@code lock-waits.sql} is the query for the oldest supported server (13);
 * {@code lock-waits.pg14.sql} replaces it from PostgreSQL 14 on, {@code lock-waits.pg16.sql} from 16 on, and
 * so on: the variant with the highest version not above the server's major version wins.
 *
 * <p>Every file must open with a comment header (what it finds, what it needs, which versions). The text
 * sent to the server is prefixed with {@code /* telltale:<name> *}{@code /} so that our own statements are
 * recognisable in {@code pg_stat_activity}, {@code pg_stat_statements} and the server log.
 */
public final class SqlFile {
    /** The oldest server major version the module supports. */
    public static final int OLDEST_MAJOR = 13;
    private static final int NEWEST_VARIANT = 20;

    private final String name;
    private final TreeMap<Integer, String> variants;

    private SqlFile(String name, TreeMap<Integer, String> variants) {
        this.name = name;
        this.variants = variants;
    }

    /**
     * Loads {@code <name>.sql} and its {@code <name>.pgNN.sql} variants from the package of {@code anchor}.
     *
     * @throws IllegalStateException when the base file is missing or a file has no comment header
     */
    public static SqlFile load(Class<?> anchor, String name) {
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(name, "name");
        TreeMap<Integer, String> variants = new TreeMap<>();
        String base = read(anchor, name + ".sql");
        if (base == null) {
            throw new IllegalStateException("SQL resource " + name + ".sql not found next to " + anchor.getName());
        }
        variants.put(OLDEST_MAJOR, checked(name + ".sql", base));
        for (int v = OLDEST_MAJOR + 1; v <= NEWEST_VARIANT; v++) {
            String file = name + ".pg" + v + ".sql";
            String text = read(anchor, file);
            if (text != null) {
                variants.put(v, checked(file, text));
            }
        }
        return new SqlFile(name, variants);
    }

    public String name() {
        return name;
    }

    /** The text to send to a server of the given major version, with the telltale comment in front. */
    public String text(int serverMajor) {
        Map.Entry<Integer, String> e = variants.floorEntry(serverMajor);
        String body = e == null ? variants.firstEntry().getValue() : e.getValue();
        return "/* telltale:" + name + " */\n" + body;
    }

    /** The major versions at which this query has its own variant (always includes {@link #OLDEST_MAJOR}). */
    public java.util.Set<Integer> variantVersions() {
        return java.util.Collections.unmodifiableSet(variants.keySet());
    }

    @Override
    public String toString() {
        return name + ".sql" + (variants.size() > 1 ? " (variants from " + variants.keySet() + ")" : "");
    }

    private static String checked(String file, String text) {
        String stripped = text.stripLeading();
        if (!stripped.startsWith("--")) {
            throw new IllegalStateException("SQL resource " + file
                    + " must start with a comment header: what it finds, what it needs, which versions");
        }
        return text.strip();
    }

    private static String read(Class<?> anchor, String file) {
        try (InputStream in = anchor.getResourceAsStream(file)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SQL resource " + file, e);
        }
    }
}
