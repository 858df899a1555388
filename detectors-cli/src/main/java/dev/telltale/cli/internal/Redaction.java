package dev.telltale.cli.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keeps passwords out of everything we print: URLs are shown with {@code ***} for the password, and any
 * message (for example a driver's exception text) has the passwords of the configured targets replaced.
 */
public final class Redaction {
    private static final Pattern USERINFO = Pattern.compile("(?<=://)([^/@:?#]*):([^@/]*)@");
    private static final Pattern QUERY_SECRET = Pattern.compile("(?i)((?:password|pass|pwd|secret)=)[^&\\s]*");
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private Redaction() {
    }

    /** The URL with its password, in the user-info or in a {@code password=} parameter, replaced by {@code ***}. */
    public static String url(String url) {
        if (url == null) {
            return "";
        }
        String s = USERINFO.matcher(url).replaceAll("$1:***@");
        return QUERY_SECRET.matcher(s).replaceAll("$1***");
    }

    /** Remembers the password of a URL so {@link #message} can hide it wherever it turns up. */
    public static void remember(String url) {
        var m = USERINFO.matcher(url);
        while (m.find()) {
            String pass = java.net.URLDecoder.decode(m.group(2), java.nio.charset.StandardCharsets.UTF_8);
            if (!pass.isEmpty()) {
                SECRETS.add(pass);
                SECRETS.add(m.group(2));
            }
        }
        var q = Pattern.compile("(?i)(?:password|pass|pwd|secret)=([^&\\s]+)").matcher(url);
        while (q.find()) {
            SECRETS.add(q.group(1));
        }
    }

    /** Any text, with URLs redacted and every remembered password replaced by {@code ***}. */
    public static String message(String text) {
        if (text == null) {
            return "";
        }
        String s = url(text);
        for (String secret : SECRETS) {
            if (secret.length() >= 3) {
                s = s.replace(secret, "***");
            }
        }
        return s;
    }
}
