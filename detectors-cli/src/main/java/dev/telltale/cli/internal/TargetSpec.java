package dev.telltale.cli.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One target as given on the command line or in telltale.yaml: its kind ({@code postgres}, {@code redis}),
 * the name used as the {@code target} tag, and its URL. {@link #toString()} and {@link #redactedUrl()} never
 * show a password.
 *
 * @param kind the option that named it, without dashes
 * @param name bounded and stable: used as a metric tag
 * @param url  as given, with the password: never print it
 */
public record TargetSpec(String kind, String name, String url) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}");

    public TargetSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        if (!NAME.matcher(name).matches()) {
            throw new CliException("target name '" + name + "' of --" + kind
                    + " must be letters, digits and . _ : - (it becomes a metric tag)");
        }
    }

    /**
     * Parses {@code [name=]url}. Without a name, the name is {@code host:port} (plus {@code /db} for
     * PostgreSQL), which is bounded and recognisable.
     */
    public static TargetSpec parse(String kind, String text) {
        String t = text.trim();
        String name = null;
        int eq = t.indexOf('=');
        int scheme = t.indexOf("://");
        if (eq > 0 && (scheme < 0 || eq < scheme)) {
            name = t.substring(0, eq);
            t = t.substring(eq + 1);
        }
        URI uri = uri(kind, t);
        if (name == null) {
            name = defaultName(kind, uri);
        }
        return new TargetSpec(kind, name, t);
    }

    /** The URL's scheme in lower case, with a leading {@code jdbc:} removed. */
    public String scheme() {
        return uri(kind, url).getScheme().toLowerCase(Locale.ROOT);
    }

    public String redactedUrl() {
        return Redaction.url(url);
    }

    @Override
    public String toString() {
        return kind + " target '" + name + "' (" + redactedUrl() + ")";
    }

    static URI uri(String kind, String url) {
        String u = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
        try {
            URI uri = new URI(u);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new CliException("--" + kind + " '" + Redaction.url(url) + "' is not a URL such as "
                        + example(kind));
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliException("--" + kind + " '" + Redaction.url(url) + "' is not a URL such as " + example(kind)
                    + ": " + Redaction.url(e.getReason()));
        }
    }

    static String example(String kind) {
        return switch (kind) {
            case "postgres" -> "postgresql://user:pass@host:5432/db";
            case "redis" -> "redis://:pass@host:6379/0";
            default -> kind + "://host:port";
        };
    }

    private static String defaultName(String kind, URI uri) {
        String hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        if (kind.equals("postgres")) {
            String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            if (!path.isEmpty()) {
                hostPort += ":" + path;
            }
        }
        String cleaned = hostPort.replaceAll("[^A-Za-z0-9_.:-]", "_");
        return cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
    }
}
