package dev.telltale.postgres.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One query, kept as a {@code .sql} resource next to the class that runs it, with what differs between
 * server versions marked where it differs. A line that ends in {@code -- from pg14} is sent to PostgreSQL 14
 * and later only, one that ends in {@code -- before pg14} to older servers only (the marker is removed), so a
 * column renamed in 17 is two adjacent lines, not a second copy of the query. When a query has little in
 * common across versions, {@code lock-waits.pg14.sql} replaces {@code lock-waits.sql} from PostgreSQL 14 on,
 * {@code lock-waits.pg16.sql} from 16 on, and so on: the file with the highest version not above the
 * server's major version wins, and its own markers apply.
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
    /** A line kept for some versions only: the SQL, then {@code -- from pgNN} or {@code -- before pgNN}. */
    private static final Pattern GUARDED =
            Pattern.compile("^(?<sql>\\s*[^-\\s].*?)\\s+--\\s*(?<when>from|before) pg(?<major>\\d+)\\s*$");

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
        TreeMap<Integer, String> files = new TreeMap<>();
        files.put(OLDEST_MAJOR, checked(name + ".sql", base));
        for (int v = OLDEST_MAJOR + 1; v <= NEWEST_VARIANT; v++) {
            String file = name + ".pg" + v + ".sql";
            String text = read(anchor, file);
            if (text != null) {
                files.put(v, checked(file, text));
            }
        }
        files.forEach((from, text) -> {
            Integer next = files.higherKey(from);
            for (int v : markedVersions(from, text)) {
                if (next == null || v < next) {
                    variants.put(v, forVersion(text, v));
                }
            }
        });
        return new SqlFile<>(name, variants, rowType);
    }

    /** {@code from} and every version a marker of {@code text} names above it: where the text sent changes. */
    private static TreeSet<Integer> markedVersions(int from, String text) {
        TreeSet<Integer> versions = new TreeSet<>(Set.of(from));
        for (String line : text.split("\n", -1)) {
            Matcher m = GUARDED.matcher(line);
            if (m.matches() && Integer.parseInt(m.group("major")) > from) {
                versions.add(Integer.parseInt(m.group("major")));
            }
        }
        return versions;
    }

    /** The lines of {@code text} a server of {@code major} gets, markers removed. */
    private static String forVersion(String text, int major) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            Matcher m = GUARDED.matcher(line);
            if (!m.matches()) {
                out.append(line).append('\n');
            } else if ((Integer.parseInt(m.group("major")) <= major) == m.group("when").equals("from")) {
                out.append(m.group("sql")).append('\n');
            }
        }
        return out.toString().strip();
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
