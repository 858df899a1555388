package dev.telltale.cli.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * One target as given on the command line or in telltale.yaml: its kind ({@code postgres}, {@code redis}),
 * the name used as the {@code target} tag, and its URL. {@link #toString()} and {@link #redactedUrl()} never
 * show a password.
 *
 * @param kind the kind's name, as its flag without dashes
 * @param name bounded and stable, by {@link TargetName}'s rule: used as a metric tag
 * @param url  as given, with the password: never print it
 */
public record TargetSpec(String kind, String name, String url) {

    public TargetSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
        if (!TargetName.isValid(name)) {
            throw new IllegalArgumentException("target name '" + name + "': " + TargetName.RULE);
        }
    }

    /**
     * Parses {@code [NAME=]URL}, as a flag or a line under {@code targets:} gives it. Without a name, the
     * name is the kind's default ({@link TargetName#derived}).
     *
     * @param origin where it was given, for messages: the flag ({@code --postgres}) or the key path in the file
     * @throws CliException naming the origin and the value, for a bad name, a bad URL or a scheme of another kind
     */
    public static TargetSpec parse(TargetKind kind, String origin, String text) {
        String t = text.trim();
        int eq = t.indexOf('=');
        int scheme = t.indexOf("://");
        if (eq >= 0 && (scheme < 0 || eq < scheme)) {
            return of(kind, origin, t.substring(0, eq), t.substring(eq + 1));
        }
        return of(kind, origin, null, t);
    }

    /**
     * A target of {@code kind} at {@code url}, named {@code name} or, when that is null, by default.
     *
     * @throws CliException as {@link #parse}
     */
    public static TargetSpec of(TargetKind kind, String origin, String name, String url) {
        // before anything can fail: a message about this URL must not show its password, even in part
        Redaction.remember(url);
        if (name != null) {
            TargetName.explicit(name, origin, name + "=" + Redaction.url(url));
        }
        URI uri = uri(kind, origin, url);
        if (!kind.schemes().contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw new CliException(origin + " '" + Redaction.url(url) + "': expected a URL such as " + kind.exampleUrl());
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new CliException(origin + " '" + Redaction.url(url) + "': port " + uri.getPort() + " must be 1..65535");
        }
        String n = name != null ? name
                : TargetName.derived(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : kind.defaultPort(), kind.database(uri));
        return new TargetSpec(kind.name(), n, url);
    }

    public String redactedUrl() {
        return Redaction.url(url);
    }

    @Override
    public String toString() {
        return kind + " target '" + name + "' (" + redactedUrl() + ")";
    }

    /** The URL without a leading {@code jdbc:}, with a scheme and a host. */
    private static URI uri(TargetKind kind, String origin, String url) {
        String u = kind.firstHostUrl(url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url);
        try {
            URI uri = new URI(u);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new CliException(origin + " '" + Redaction.url(url) + "' is not a URL such as " + kind.exampleUrl());
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliException(origin + " '" + Redaction.url(url) + "' is not a URL such as " + kind.exampleUrl()
                    + ": " + Redaction.url(e.getReason()));
        }
    }
}
