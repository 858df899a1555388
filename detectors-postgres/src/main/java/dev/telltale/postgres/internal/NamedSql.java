package dev.telltale.postgres.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SQL with {@code :name} parameters, as the queries are written, turned into the driver's positional {@code ?} form.
 * Parameters are found with {@link PgLexer}, by the server's rules: a {@code :name} inside a string, a quoted
 * identifier or a comment is text, and {@code ::type} is a cast. Plain JDBC instead of a query library: the library's
 * set-up and parser were about a third of a check's start-up CPU.
 *
 * @param sql   the text with {@code ?} in place of each parameter
 * @param names the parameter of each {@code ?}, in order (a name used twice is bound twice)
 */
record NamedSql(String sql, List<String> names) {
    private static final Map<String, NamedSql> PARSED = new ConcurrentHashMap<>();
    /** Run-time SQL (integrity checks) is parsed each time past this many texts. */
    private static final int CACHED = 1024;

    static NamedSql of(String text) {
        NamedSql known = PARSED.get(text);
        if (known != null) {
            return known;
        }
        NamedSql parsed = parse(text);
        if (PARSED.size() < CACHED) {
            PARSED.put(text, parsed);
        }
        return parsed;
    }

    static NamedSql parse(String text) {
        List<PgLexer.Token> tokens = PgLexer.tokensOfTruncated(text);
        StringBuilder out = new StringBuilder(text.length());
        List<String> names = new ArrayList<>();
        int copied = 0;
        for (int k = 0; k + 1 < tokens.size(); k++) {
            PgLexer.Token colon = tokens.get(k);
            PgLexer.Token name = tokens.get(k + 1);
            boolean cast = k > 0 && tokens.get(k - 1).text().equals(":") && tokens.get(k - 1).end() == colon.start();
            if (colon.kind() == PgLexer.Kind.OTHER && colon.text().equals(":") && !cast
                    && name.kind() == PgLexer.Kind.WORD && name.start() == colon.end()) {
                out.append(text, copied, colon.start()).append('?');
                names.add(name.text());
                copied = name.end();
                k++;
            }
        }
        out.append(text, copied, text.length());
        return new NamedSql(out.toString(), List.copyOf(names));
    }

    /** Binds {@code params} by name; a name the SQL uses and the map lacks fails, naming it. */
    void bind(PreparedStatement ps, Map<String, ?> params, String query) throws SQLException {
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (!params.containsKey(name)) {
                throw new IllegalArgumentException("query " + query + " uses parameter :" + name + " that is not bound (bound: "
                        + params.keySet() + ")");
            }
            bind(ps, i + 1, params.get(name));
        }
    }

    private static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        Connection c = ps.getConnection();
        if (v == null) {
            ps.setNull(i, Types.NULL);
        } else if (v instanceof String[] a) {
            ps.setArray(i, c.createArrayOf("text", a));
        } else if (v instanceof Long[] a) {
            ps.setArray(i, c.createArrayOf("int8", a));
        } else if (v instanceof long[] a) {
            ps.setArray(i, c.createArrayOf("int8", Arrays.stream(a).boxed().toArray()));
        } else if (v instanceof Integer[] a) {
            ps.setArray(i, c.createArrayOf("int4", a));
        } else if (v instanceof int[] a) {
            ps.setArray(i, c.createArrayOf("int4", Arrays.stream(a).boxed().toArray()));
        } else if (v instanceof Instant t) {
            ps.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
        } else if (v instanceof Object[]) {
            throw new IllegalArgumentException("parameter " + i + ": arrays of " + v.getClass().getComponentType().getSimpleName()
                    + " are not bound; give String[], Long[] or Integer[]");
        } else {
            ps.setObject(i, v);
        }
    }
}
