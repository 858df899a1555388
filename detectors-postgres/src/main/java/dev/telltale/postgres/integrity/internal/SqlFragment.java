package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.PgLexer;
import dev.telltale.postgres.internal.PgLexer.Kind;
import dev.telltale.postgres.internal.PgLexer.Token;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one place raw SQL is accepted: a {@code where} condition, or the query of an invariant. The text is
 * read with {@link PgLexer}, the server's own lexical rules, so a quote or a comment cannot make us see one
 * thing and the server another; then it must be one expression (or one SELECT): no statement separator, no
 * comment or dollar quote, parentheses balanced so that it cannot close the bracket we put around it, no
 * keyword at its top level that would end our clause, no data-changing keyword anywhere. The functions it
 * calls are checked against the server's {@code pg_proc} at validation ({@link FunctionGuard}).
 */
public final class SqlFragment {
    /** Words that end a WHERE clause (or a sub-select's) when they appear outside any parenthesis. */
    private static final Set<String> CLAUSE_ENDERS = Set.of("group", "order", "limit", "offset", "union", "intersect",
            "except", "having", "window", "for", "fetch", "returning", "into");
    /** Words that start a statement that writes, or a lock: refused anywhere (quote a column of that name). */
    private static final Set<String> WRITERS = Set.of("insert", "update", "delete", "merge", "into", "truncate");

    private SqlFragment() {
    }

    public static String where(String what, String text) {
        checked(what, text, "condition", true);
        return text.trim();
    }

    public static String query(String what, String text) {
        if (text != null && !text.isBlank()) {
            String head = text.stripLeading().toLowerCase(Locale.ROOT);
            if (!(head.startsWith("select") || head.startsWith("with") || head.startsWith("("))) {
                throw new IntegrityConfigException(what + ": the query must be a SELECT (or WITH ... SELECT)");
            }
        }
        checked(what, text, "query", false);
        return text.trim();
    }

    /** The names of the functions {@code text} calls, as the server folds them (already validated text). */
    static Set<String> functionsCalled(String text) {
        List<Token> tokens = PgLexer.tokens(text);
        Set<String> names = new LinkedHashSet<>();
        for (int k = 0; k + 1 < tokens.size(); k++) {
            Token t = tokens.get(k);
            if ((t.kind() == Kind.WORD || t.kind() == Kind.QUOTED_IDENT) && tokens.get(k + 1).kind() == Kind.OPEN) {
                names.add(t.identifier());
            }
        }
        return names;
    }

    private static List<Token> checked(String what, String text, String kind, boolean condition) {
        if (text == null || text.isBlank()) {
            throw new IntegrityConfigException(what + ": the " + kind + " is empty");
        }
        List<Token> tokens;
        try {
            tokens = PgLexer.tokens(text);
        } catch (PgLexer.LexException e) {
            throw bad(what, text, e.getMessage());
        }
        for (Token t : tokens) {
            switch (t.kind()) {
                case SEMICOLON -> throw bad(what, text, "contains ';': one " + kind + ", not several statements");
                case LINE_COMMENT -> throw bad(what, text, "contains a '--' comment");
                case BLOCK_COMMENT -> throw bad(what, text, "contains a '/*' comment");
                case DOLLAR_STRING -> throw bad(what, text, "contains a dollar-quoted string");
                case PARAM -> throw bad(what, text, "contains a positional parameter " + t.text());
                case CLOSE -> {
                    if (t.depth() < 0) {
                        throw bad(what, text, "closes a parenthesis it did not open");
                    }
                }
                case STRING -> {
                    // under standard_conforming_strings = off a backslash would escape the quote: the server
                    // setting must not change where the string ends
                    if (t.text().indexOf('\\') >= 0 && !t.text().regionMatches(true, 0, "U&", 0, 2)) {
                        throw bad(what, text, "has a backslash in a '...' string; write it as E'...' with '\\\\'");
                    }
                }
                case WORD -> {
                    String w = t.word();
                    if (WRITERS.contains(w)) {
                        throw bad(what, text, "contains '" + w.toUpperCase(Locale.ROOT) + "': a check only reads "
                                + "(write \"" + w + "\" in double quotes if it is a column)");
                    }
                    if (t.depth() == 0 && (condition ? CLAUSE_ENDERS.contains(w) : w.equals("for"))) {
                        throw bad(what, text, "contains '" + w.toUpperCase(Locale.ROOT) + "' outside parentheses: "
                                + (condition ? "one condition, not the rest of a query" : "a check takes no row locks"));
                    }
                }
                default -> {
                }
            }
        }
        int end = tokens.isEmpty() ? 0 : tokens.get(tokens.size() - 1).depth()
                + (tokens.get(tokens.size() - 1).kind() == Kind.OPEN ? 1 : 0);
        if (end != 0) {
            throw bad(what, text, "has an unclosed parenthesis");
        }
        return tokens;
    }

    private static IntegrityConfigException bad(String what, String text, String why) {
        return new IntegrityConfigException(what + ": '" + text + "' " + why);
    }
}
