package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityConfigException;

/**
 * The one place raw SQL is accepted: a {@code where} condition, or the query of an invariant. It is trusted
 * configuration, yet it still runs inside {@code BEGIN READ ONLY} with a statement timeout, and these
 * checks make a slip loud at build time instead of odd at run time: no statement separator, no comment
 * that could hide the rest of our query, parentheses balanced (outside string literals) so that the
 * fragment cannot close the bracket we put around it.
 */
public final class SqlFragment {
    private SqlFragment() {
    }

    public static String where(String what, String text) {
        return checked(what, text, "condition");
    }

    public static String query(String what, String text) {
        String q = checked(what, text, "query");
        String head = q.stripLeading().toLowerCase(java.util.Locale.ROOT);
        if (!(head.startsWith("select") || head.startsWith("with") || head.startsWith("("))) {
            throw new IntegrityConfigException(what + ": the query must be a SELECT (or WITH ... SELECT)");
        }
        return q;
    }

    private static String checked(String what, String text, String kind) {
        if (text == null || text.isBlank()) {
            throw new IntegrityConfigException(what + ": the " + kind + " is empty");
        }
        int depth = 0;
        boolean inString = false;
        boolean inIdent = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (inString) {
                if (c == '\'') {
                    inString = false;
                }
                continue;
            }
            if (inIdent) {
                if (c == '"') {
                    inIdent = false;
                }
                continue;
            }
            switch (c) {
                case '\'' -> inString = true;
                case '"' -> inIdent = true;
                case ';' -> throw bad(what, text, "contains ';': one " + kind + ", not several statements");
                case '-' -> {
                    if (next == '-') {
                        throw bad(what, text, "contains a '--' comment");
                    }
                }
                case '/' -> {
                    if (next == '*') {
                        throw bad(what, text, "contains a '/*' comment");
                    }
                }
                case '$' -> {
                    if (next == '$' || (i > 0 && !Character.isLetterOrDigit(text.charAt(i - 1)) && text.charAt(i - 1) != '_')) {
                        throw bad(what, text, "contains a dollar-quoted string");
                    }
                }
                case '(' -> depth++;
                case ')' -> {
                    if (--depth < 0) {
                        throw bad(what, text, "closes a parenthesis it did not open");
                    }
                }
                default -> {
                }
            }
        }
        if (inString || inIdent) {
            throw bad(what, text, "has an unterminated quote");
        }
        if (depth != 0) {
            throw bad(what, text, "has an unclosed parenthesis");
        }
        return text.trim();
    }

    private static IntegrityConfigException bad(String what, String text, String why) {
        return new IntegrityConfigException(what + ": '" + text + "' " + why);
    }
}
