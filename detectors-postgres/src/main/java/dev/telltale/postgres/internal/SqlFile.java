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
 *
 * <p>A file is loaded together with the type its rows map onto ({@code R}, usually a record whose components
 * are the query's columns; see {@link RowMapping}), so that every query is typed where it is declared and a
 * test can check each pair against the server.
 *
 * @param <R> what one row becomes
 */
public final class SqlFile<R> {
    /** The oldest server major version the module supports. */
    public static final int OLDEST_MAJOR = 13;
    private static final int NEWEST_VARIANT = 20;

    private final String name;
    private final TreeMap<Integer, String> variants;
    private final Class<R> rowType;

    private SqlFile(String name, TreeMap<Integer, String> variants, Class<R> rowType) {
        this.name = name;
        this.variants = variants;
        this.rowType = rowType;
    }

    /**
     * Loads {@code <name>.sql} and its {@code <name>.pgNN.sql} variants from the package of {@code anchor}.
     *
     * @param rowType the record (or single-column scalar type) each row of the query maps onto
     * @throws IllegalStateException when the base file is missing or a file has no comment header
     */
    public static <R> SqlFile<R> load(Class<?> anchor, String name, Class<R> rowType) {
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(rowType, "rowType");
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
        return new SqlFile<>(name, variants, rowType);
    }

    public String name() {
        return name;
    }

    /** What one row of the query becomes. */
    public Class<R> rowType() {
        return rowType;
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
