package dev.telltale.jvm.internal;

import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Turns SQL text into a {@link Fingerprint}: literals and bind markers become {@code ?}, comments and
 * runs of white space go, {@code IN (...)} and multi-row {@code VALUES} lists collapse to one element.
 *
 * <p>Two bounded caches keep the hot path to one hash lookup: raw SQL to fingerprint, and normalised
 * text to fingerprint (so that literal SQL such as {@code id = 1}, {@code id = 2} shares one fingerprint
 * and one call-site capture). Both evict with a CLOCK sweep (an entry not used since the last sweep
 * goes), so memory stays within their capacity however many distinct SQL strings an application sends.
 */
public final class SqlFingerprints {
    /** SQL longer than this is normalised but never cached: a few huge generated statements must not pin memory. */
    static final int MAX_CACHED_SQL_LENGTH = 10 * 1024;
    static final int MAX_TEXT_LENGTH = 2000;
    private static final Pattern IN_LIST = Pattern.compile("\\bin \\(\\?(?: ?, ?\\?)+ ?\\)");
    private static final Pattern VALUES_ROWS = Pattern.compile(
            "(\\(\\?(?: ?, ?\\?)* ?\\))(?: ?, ?\\(\\?(?: ?, ?\\?)* ?\\))+");

    private final int capacity;
    private final ConcurrentHashMap<String, Fingerprint> bySql;
    private final ConcurrentHashMap<String, Fingerprint> byText;
    private final AtomicLong ids = new AtomicLong();
    private final CallSites callSites;

    public SqlFingerprints(int capacity, CallSites callSites) {
        if (capacity < 16) {
            throw new IllegalArgumentException("fingerprint cache capacity must be at least 16, was " + capacity);
        }
        this.capacity = capacity;
        this.bySql = new ConcurrentHashMap<>(capacity * 2);
        this.byText = new ConcurrentHashMap<>(capacity * 2);
        this.callSites = callSites;
    }

    /** The fingerprint of {@code sql}; allocation-free when the SQL string was seen recently. */
    public Fingerprint of(String sql) {
        Fingerprint f = bySql.get(sql);
        if (f != null) {
            f.used = true;
            return f;
        }
        return miss(sql);
    }

    private Fingerprint miss(String sql) {
        String text = normalize(sql);
        Fingerprint f = byText.get(text);
        if (f == null) {
            // One stack capture per new fingerprint, never per statement.
            Fingerprint created = new Fingerprint(ids.incrementAndGet(), text, callSites.capture());
            f = byText.putIfAbsent(text, created);
            if (f == null) {
                f = created;
                if (byText.size() > capacity) {
                    sweep(byText);
                }
            }
        }
        f.used = true;
        if (sql.length() <= MAX_CACHED_SQL_LENGTH) {
            bySql.put(sql, f);
            if (bySql.size() > capacity) {
                sweep(bySql);
            }
        }
        return f;
    }

    /** CLOCK eviction: drop what was not used since the last sweep, clear the bit of the rest. */
    private static void sweep(ConcurrentHashMap<String, Fingerprint> map) {
        synchronized (map) {
            for (Iterator<Fingerprint> it = map.values().iterator(); it.hasNext(); ) {
                Fingerprint f = it.next();
                if (f.used) {
                    f.used = false;
                } else {
                    it.remove();
                }
            }
        }
    }

    public int cachedSqlCount() {
        return bySql.size();
    }

    public int fingerprintCount() {
        return byText.size();
    }

    public int capacity() {
        return capacity;
    }

    /** The normalised form: lower case outside quotes, literals as {@code ?}, lists collapsed. */
    public static String normalize(String sql) {
        StringBuilder out = new StringBuilder(Math.min(sql.length(), 4096));
        int n = sql.length();
        int i = 0;
        boolean space = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
                i++;
                continue;
            }
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                space = true;
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                space = true;
                continue;
            }
            if (space && out.length() > 0) {
                char last = out.charAt(out.length() - 1);
                if (last != '(' && last != ' ' && c != ')' && c != ',') {
                    out.append(' ');
                }
            }
            space = false;
            if (c == '\'') {
                i = skipQuoted(sql, i, '\'');
                out.append('?');
            } else if (c == '"') {
                int end = skipQuoted(sql, i, '"');
                out.append(sql, i, end);
                i = end;
            } else if (c == '$') {
                int tagEnd = i + 1;
                while (tagEnd < n && (Character.isLetterOrDigit(sql.charAt(tagEnd)) || sql.charAt(tagEnd) == '_')) {
                    tagEnd++;
                }
                if (tagEnd < n && sql.charAt(tagEnd) == '$') {
                    String tag = sql.substring(i, tagEnd + 1);
                    int close = sql.indexOf(tag, tagEnd + 1);
                    i = close < 0 ? n : close + tag.length();
                    out.append('?');
                } else if (tagEnd > i + 1 && allDigits(sql, i + 1, tagEnd)) {
                    out.append('?');
                    i = tagEnd;
                } else {
                    out.append(c);
                    i++;
                }
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
                boolean partOfWord = out.length() > 0 && isWordChar(out.charAt(out.length() - 1));
                int end = i;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '.')) {
                    end++;
                }
                if (partOfWord) {
                    out.append(sql, i, end);
                } else {
                    out.append('?');
                }
                i = end;
            } else if (isWordChar(c)) {
                int end = i;
                while (end < n && isWordChar(sql.charAt(end))) {
                    end++;
                }
                String word = sql.substring(i, end).toLowerCase(Locale.ROOT);
                out.append(word.equals("true") || word.equals("false") || word.equals("null") ? "?" : word);
                i = end;
            } else {
                if (c == ',' && out.length() > 0 && out.charAt(out.length() - 1) == ' ') {
                    out.setLength(out.length() - 1);
                }
                out.append(c);
                if (c == ',') {
                    out.append(' ');
                    space = false;
                }
                i++;
            }
        }
        String text = out.toString().trim();
        // Collapse "- ?" negative numbers into "?" only where a sign follows an operator or bracket.
        text = text.replace("(-?", "(?").replace(", -?", ", ?").replace("= -?", "= ?");
        text = IN_LIST.matcher(text).replaceAll("in (?)");
        text = VALUES_ROWS.matcher(text).replaceAll("$1");
        return text.length() > MAX_TEXT_LENGTH ? text.substring(0, MAX_TEXT_LENGTH) + "..." : text;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static boolean allDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Index just past the closing quote; a doubled quote is an escaped one. A backslash escapes only in an
     * {@code E'...'} string: elsewhere {@code \'} ends a standard string but not a MySQL one, and as the dialect
     * is unknown the literal is taken to run to the statement's last quote, so that a misread boundary hides
     * code rather than printing a literal.
     */
    private static int skipQuoted(String s, int start, char quote) {
        int i = start + 1;
        int n = s.length();
        boolean escapes = quote == '\'' && start > 0 && (s.charAt(start - 1) == 'E' || s.charAt(start - 1) == 'e')
                && (start < 2 || !isWordChar(s.charAt(start - 2)));
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\' && quote == '\'' && i + 1 < n) {
                char next = s.charAt(i + 1);
                if (escapes || next == '\\') {
                    i += 2;
                    continue;
                }
                if (next == '\'') {
                    return s.lastIndexOf('\'') + 1;
                }
            }
            if (c == quote) {
                if (i + 1 < n && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return n;
    }
}
