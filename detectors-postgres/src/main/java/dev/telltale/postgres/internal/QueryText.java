package dev.telltale.postgres.internal;

import dev.telltale.postgres.internal.PgLexer.Kind;
import dev.telltale.postgres.internal.PgLexer.Token;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * The one way query text from the server ({@code pg_stat_activity}, {@code pg_stat_statements}) enters a finding:
 * constants replaced by {@code $n} placeholders, as {@code pg_stat_statements} shows statements, so that
 * evidence, the {@code check} JSON, {@code /findings} and logs carry the shape of a query, never the card number
 * or e-mail address in it. Strings of every kind ({@code '..'}, {@code E'..'}, {@code $$..$$}, {@code B''/X''/U&''})
 * and numbers become placeholders, lists of them collapse to {@code ($1, ...)}, comments (which may carry request
 * tags) are dropped. A target built with {@code showQueryLiterals(true)} shows the text as it is.
 */
public final class QueryText {
    private static final ThreadLocal<Boolean> LITERALS = ThreadLocal.withInitial(() -> false);

    private QueryText() {
    }

    /** Runs one detection with the target's choice of showing literals. */
    static <T> T during(boolean showLiterals, Callable<T> work) throws Exception {
        boolean before = LITERALS.get();
        LITERALS.set(showLiterals);
        try {
            return work.call();
        } finally {
            LITERALS.set(before);
        }
    }

    /** Query text for evidence: normalised unless the target shows literals, on one line, cut at {@code max}. */
    public static String shown(String sql, int max) {
        return Words.sql(LITERALS.get() ? sql : normalise(sql), max);
    }

    /** Query text as stored for evidence: normalised unless the target shows literals, otherwise untouched. */
    public static String shown(String sql) {
        return LITERALS.get() ? sql : normalise(sql);
    }

    /** {@code sql} with its constants replaced by placeholders numbered after its own parameters. */
    public static String normalise(String sql) {
        if (sql == null || sql.isEmpty()) {
            return sql == null ? "" : sql;
        }
        List<Token> tokens = PgLexer.tokensOfTruncated(sql);
        int next = 1;
        for (Token t : tokens) {
            if (t.kind() == Kind.PARAM) {
                try {
                    next = Math.max(next, Integer.parseInt(t.text().substring(1)) + 1);
                } catch (NumberFormatException e) {
                    // a parameter number beyond int: keep counting from where we are
                }
            }
        }
        StringBuilder out = new StringBuilder(sql.length());
        int at = 0;
        for (int k = 0; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            out.append(sql, at, t.start());
            at = t.end();
            if (isConstant(t)) {
                int last = listEnd(tokens, k);
                if (last > k) {
                    // (1, 2, 3) -> ($1, ...): the number of items is noise, and each one a constant
                    out.append('$').append(next++).append(", ...");
                    at = tokens.get(last).end();
                    k = last;
                } else {
                    out.append('$').append(next++);
                }
            } else if (t.kind() == Kind.LINE_COMMENT || t.kind() == Kind.BLOCK_COMMENT) {
                out.append(' ');
            } else {
                out.append(t.text());
            }
        }
        return out.toString();
    }

    private static boolean isConstant(Token t) {
        return switch (t.kind()) {
            case STRING, ESCAPE_STRING, DOLLAR_STRING, NUMBER -> true;
            default -> false;
        };
    }

    /**
     * When token {@code k} starts a parenthesised list of two or more constants ({@code (1, 'a', 3)}), the index
     * of the list's last constant; else {@code k}.
     */
    private static int listEnd(List<Token> tokens, int k) {
        if (k == 0 || tokens.get(k - 1).kind() != Kind.OPEN) {
            return k;
        }
        int j = k;
        int last = k;
        while (j + 2 < tokens.size() && tokens.get(j + 1).text().equals(",") && isConstant(tokens.get(j + 2))) {
            j += 2;
            last = j;
        }
        return last > k && j + 1 < tokens.size() && tokens.get(j + 1).kind() == Kind.CLOSE ? last : k;
    }
}
