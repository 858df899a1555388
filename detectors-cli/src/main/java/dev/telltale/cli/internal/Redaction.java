package dev.telltale.cli.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps passwords out of everything we print: URLs are shown with {@code ***} for the password, and any
 * message (for example a driver's exception text) has the passwords of the configured targets replaced.
 * A URL's user-info runs from {@code ://} to the last {@code @} of the URL, so a password that holds an
 * unencoded {@code /}, {@code @}, {@code :}, {@code ?} or {@code #} is hidden whole.
 */
public final class Redaction {
    private static final Pattern URL_START = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://");
    private static final Pattern QUERY_SECRET = Pattern.compile("(?i)((?:password|pass|pwd|secret)=)[^&\\s]*");
    private static final Pattern VALUE_QUERY_SECRET = Pattern.compile("(?i)((?:password|pass|pwd|secret)=)[^&]*");
    private static final Pattern PLAIN_USER = Pattern.compile("[A-Za-z0-9._~%+-]*");
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private Redaction() {
    }

    /**
     * The URL (a whole value, as given: white space is part of it) with its password, in the user-info or in a
     * {@code password=} parameter, replaced by {@code ***}.
     */
    public static String url(String url) {
        return url == null ? "" : redact(url, true);
    }

    private static String redact(String text, boolean whole) {
        // parameters first: a password parameter may hold an '@' that would pass for the user-info's end
        String url = (whole ? VALUE_QUERY_SECRET : QUERY_SECRET).matcher(text).replaceAll("$1***");
        StringBuilder out = new StringBuilder();
        Matcher m = URL_START.matcher(url);
        int done = 0;
        while (m.find(done)) {
            int start = m.end();
            int end = whole ? url.length() : tokenEnd(url, start);
            int at = url.lastIndexOf('@', end - 1);
            out.append(url, done, start);
            if (at >= start) {
                out.append(userInfo(m.group(1), url.substring(start, at))).append('@');
                done = at + 1;
            } else {
                done = start;
            }
        }
        out.append(url.substring(done));
        return out.toString();
    }

    /**
     * {@code user:***} or {@code :***}; the user alone when there is no ':' (PostgreSQL); {@code ***} for a
     * Redis user-info without ':' (a password) and for anything whose user part is not a plain name (the ':' may
     * then be the password's own).
     */
    private static String userInfo(String scheme, String info) {
        int colon = info.indexOf(':');
        if (colon >= 0) {
            String user = info.substring(0, colon);
            return PLAIN_USER.matcher(user).matches() ? user + ":***" : "***";
        }
        return scheme.toLowerCase(Locale.ROOT).startsWith("redis") || !PLAIN_USER.matcher(info).matches()
                ? (info.isEmpty() ? "" : "***") : info;
    }

    /** A URL in a message ends at white space (a password with spaces is caught by {@link #remember}). */
    private static int tokenEnd(String text, int from) {
        int i = from;
        while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Remembers the password of a URL so {@link #message} can hide it wherever it turns up. */
    public static void remember(String url) {
        if (url == null) {
            return;
        }
        String noParams = VALUE_QUERY_SECRET.matcher(url).replaceAll("$1");
        Matcher m = URL_START.matcher(noParams);
        if (m.find()) {
            int start = m.end();
            int at = noParams.lastIndexOf('@');
            if (at > start) {
                String info = noParams.substring(start, at);
                int colon = info.indexOf(':');
                String pass = colon >= 0 ? info.substring(colon + 1)
                        : m.group(1).toLowerCase(Locale.ROOT).startsWith("redis") ? info : "";
                rememberSecret(pass);
                try {
                    rememberSecret(URLDecoder.decode(pass, StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // not percent-encoded: remembered as given
                }
            }
        }
        var q = Pattern.compile("(?i)(?:password|pass|pwd|secret)=([^&]+)").matcher(url);
        while (q.find()) {
            rememberSecret(q.group(1));
        }
    }

    /** Remembers a secret (a password read from a file or the environment) so {@link #message} hides it. */
    public static void rememberSecret(String secret) {
        if (secret != null && !secret.isEmpty()) {
            SECRETS.add(secret);
        }
    }

    /** Forgets every remembered secret: for a process that runs one command after another (tests). */
    public static void forgetAll() {
        SECRETS.clear();
    }

    /** Any text, with every remembered password replaced by {@code ***} (longest first) and URLs redacted. */
    public static String message(String text) {
        if (text == null) {
            return "";
        }
        String s = text;
        for (String secret : SECRETS.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            if (secret.length() >= 3) {
                s = s.replace(secret, "***");
            }
        }
        return redact(s, false);
    }
}
