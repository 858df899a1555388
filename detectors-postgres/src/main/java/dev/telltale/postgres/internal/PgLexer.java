package dev.telltale.postgres.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits SQL text into tokens the way PostgreSQL's scanner does ({@code scan.l}), so that what we decide about
 * a fragment (where a string ends, whether a {@code ;} is a separator) is what the server will decide:
 * standard strings with {@code ''} escapes, {@code E''} strings with backslash escapes, {@code B''}/{@code X''}/
 * {@code N''}/{@code U&''} strings, dollar quotes {@code $tag$...$tag$}, quoted identifiers (and {@code U&""}),
 * {@code --} comments and nested {@code /* *}{@code /} comments, positional parameters {@code $1}. Standard
 * strings are read as {@code standard_conforming_strings = on} (the default since 9.1).
 */
public final class PgLexer {
    public enum Kind {
        WORD, QUOTED_IDENT, STRING, ESCAPE_STRING, DOLLAR_STRING, NUMBER, PARAM, LINE_COMMENT, BLOCK_COMMENT,
        OPEN, CLOSE, SEMICOLON, OTHER
    }

    /**
     * @param start offset of the token's first character, @param end offset after its last
     * @param depth parentheses open before the token (an {@code OPEN} is at the depth outside it)
     */
    public record Token(Kind kind, int start, int end, String text, int depth) {
        /** An unquoted word in lower case (how the server folds it), else the text as written. */
        public String word() {
            return kind == Kind.WORD ? text.toLowerCase(Locale.ROOT) : text;
        }

        /** A quoted identifier's name without its quotes. */
        public String identifier() {
            if (kind != Kind.QUOTED_IDENT) {
                return word();
            }
            int open = text.indexOf('"');
            return text.substring(open + 1, text.length() - 1).replace("\"\"", "\"");
        }
    }

    /** Text the scanner rejects, with the offset where the problem starts. */
    public static final class LexException extends IllegalArgumentException {
        private final int offset;

        LexException(String message, int offset) {
            super(message);
            this.offset = offset;
        }

        public int offset() {
            return offset;
        }
    }

    private final String s;
    private final boolean lenient;
    private int i;
    private int depth;
    private final List<Token> out = new ArrayList<>();

    private PgLexer(String s, boolean lenient) {
        this.s = s;
        this.lenient = lenient;
    }

    /**
     * The tokens of {@code sql}, whitespace left out.
     *
     * @throws LexException for an unterminated string, identifier or comment, or a zero-length identifier
     */
    public static List<Token> tokens(String sql) {
        PgLexer l = new PgLexer(sql, false);
        l.run();
        return l.out;
    }

    /**
     * The tokens of text that may be cut short (a query as {@code pg_stat_activity} shows it, truncated at
     * {@code track_activity_query_size}): an unterminated string, identifier or comment runs to the end.
     */
    public static List<Token> tokensOfTruncated(String sql) {
        PgLexer l = new PgLexer(sql, true);
        l.run();
        return l.out;
    }

    /** Fails on text that ends inside a token, or (lenient) lets the token run to the end. */
    private void unterminated(String message, int start) {
        if (!lenient) {
            throw new LexException(message, start);
        }
        i = s.length();
    }

    private void run() {
        while (i < s.length()) {
            char c = s.charAt(i);
            int start = i;
            if (isSpace(c)) {
                i++;
            } else if (c == '-' && at(i + 1) == '-') {
                lineComment();
                add(Kind.LINE_COMMENT, start);
            } else if (c == '/' && at(i + 1) == '*') {
                blockComment();
                add(Kind.BLOCK_COMMENT, start);
            } else if (c == '\'') {
                standardString();
                add(Kind.STRING, start);
            } else if ((c == 'e' || c == 'E') && at(i + 1) == '\'') {
                i++;
                escapeString();
                add(Kind.ESCAPE_STRING, start);
            } else if ((c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N') && at(i + 1) == '\'') {
                i++;
                standardString();
                add(Kind.STRING, start);
            } else if ((c == 'u' || c == 'U') && at(i + 1) == '&' && (at(i + 2) == '\'' || at(i + 2) == '"')) {
                i += 2;
                if (at(i) == '\'') {
                    standardString();
                    add(Kind.STRING, start);
                } else {
                    quotedIdent();
                    add(Kind.QUOTED_IDENT, start);
                }
            } else if (c == '"') {
                quotedIdent();
                add(Kind.QUOTED_IDENT, start);
            } else if (c == '$' && isDigit(at(i + 1))) {
                i++;
                while (isDigit(at(i))) {
                    i++;
                }
                add(Kind.PARAM, start);
            } else if (c == '$' && dollarTagEnd(i) > 0) {
                dollarString();
                add(Kind.DOLLAR_STRING, start);
            } else if (isIdentStart(c)) {
                while (i < s.length() && isIdentCont(s.charAt(i))) {
                    i++;
                }
                add(Kind.WORD, start);
            } else if (isDigit(c) || (c == '.' && isDigit(at(i + 1)))) {
                number();
                add(Kind.NUMBER, start);
            } else if (c == '(') {
                i++;
                add(Kind.OPEN, start);
                depth++;
            } else if (c == ')') {
                i++;
                depth--;
                add(Kind.CLOSE, start);
            } else if (c == ';') {
                i++;
                add(Kind.SEMICOLON, start);
            } else {
                // operators end where a comment starts, as in the server's scanner
                i++;
                add(Kind.OTHER, start);
            }
        }
    }

    private void add(Kind kind, int start) {
        out.add(new Token(kind, start, i, s.substring(start, i), depth));
    }

    private char at(int k) {
        return k < s.length() ? s.charAt(k) : 0;
    }

    private void lineComment() {
        while (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
            i++;
        }
    }

    private void blockComment() {
        int start = i;
        int nesting = 0;
        while (i < s.length()) {
            if (s.charAt(i) == '/' && at(i + 1) == '*') {
                nesting++;
                i += 2;
            } else if (s.charAt(i) == '*' && at(i + 1) == '/') {
                nesting--;
                i += 2;
                if (nesting == 0) {
                    return;
                }
            } else {
                i++;
            }
        }
        unterminated("has an unterminated /* comment", start);
    }

    /** {@code '...'} with {@code ''} for a quote; a backslash is an ordinary character. */
    private void standardString() {
        quoted('\'', false);
    }

    /** {@code E'...'}: a backslash escapes the next character (a quote too), and {@code ''} is a quote. */
    private void escapeString() {
        quoted('\'', true);
    }

    /** {@code "..."} with {@code ""} for a double quote, never empty. */
    private void quotedIdent() {
        int start = i;
        if (quoted('"', false) && i - start == 2) {
            throw new LexException("has a zero-length quoted identifier", start);
        }
    }

    /**
     * Skips text quoted with {@code q} from its opening quote: a doubled {@code q} stands for one, and with
     * {@code backslashes} a backslash escapes the next character. False when the text ends first (lenient).
     */
    private boolean quoted(char q, boolean backslashes) {
        int start = i;
        i++;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslashes && c == '\\') {
                i = Math.min(s.length(), i + 2);
            } else if (c == q && at(i + 1) == q) {
                i += 2;
            } else if (c == q) {
                i++;
                return true;
            } else {
                i++;
            }
        }
        unterminated("has an unterminated quote", start);
        return false;
    }

    /** The offset after the closing {@code $} of a dollar-quote tag starting at {@code k}, or -1. */
    private int dollarTagEnd(int k) {
        int j = k + 1;
        if (at(j) == '$') {
            return j + 1;
        }
        if (!isTagStart(at(j))) {
            return -1;
        }
        while (j < s.length() && isTagCont(s.charAt(j))) {
            j++;
        }
        return at(j) == '$' ? j + 1 : -1;
    }

    private void dollarString() {
        int start = i;
        int tagEnd = dollarTagEnd(i);
        String tag = s.substring(i, tagEnd);
        int close = s.indexOf(tag, tagEnd);
        if (close < 0) {
            unterminated("has an unterminated dollar-quoted string", start);
            return;
        }
        i = close + tag.length();
    }

    private void number() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if ((c == 'e' || c == 'E') && (at(i + 1) == '+' || at(i + 1) == '-') && isDigit(at(i + 2))) {
                i += 2;
            } else if (c == '.' && at(i + 1) == '.') {
                return; // 1..2 is not a number followed by a number
            } else if (isDigit(c) || c == '.' || c == '_' || Character.isLetter(c)) {
                i++;
            } else {
                return;
            }
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isIdentCont(char c) {
        return isIdentStart(c) || isDigit(c) || c == '$';
    }

    private static boolean isTagStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isTagCont(char c) {
        return isTagStart(c) || isDigit(c);
    }
}
