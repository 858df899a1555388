package dev.telltale.cli.internal;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for target names, the same for every kind. A name is the {@code target} label of every metric
 * and finding, so it is short and stable; it has no {@code @}, {@code /}, {@code =} or spaces, so that it can
 * stand in {@code NAME=URL} and after the {@code @} of a per-target key.
 *
 * <p>A target without an explicit name is named {@code host:port}, plus {@code :database} when its kind has
 * one ({@link TargetKind#database}); a URL without a port is named with the kind's default port. Such a name
 * follows the same rule: characters outside it become {@code _} and it is cut at {@link #MAX_LENGTH}.
 */
public final class TargetName {
    /** The PostgreSQL target's own limit, the lower of the two libraries'. */
    public static final int MAX_LENGTH = 63;
    private static final String PATTERN_TEXT = "[A-Za-z0-9][A-Za-z0-9_.:-]*";
    private static final Pattern PATTERN = Pattern.compile(PATTERN_TEXT);
    private static final Pattern OUTSIDE = Pattern.compile("[^A-Za-z0-9_.:-]");

    /** The rule, as error messages state it. */
    public static final String RULE = "a name matches " + PATTERN_TEXT + " and has at most " + MAX_LENGTH
            + " characters, no '@', '/', '=' or spaces";

    private TargetName() {
    }

    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && PATTERN.matcher(name).matches();
    }

    /**
     * An explicit name, checked.
     *
     * @param origin where it was given, for the message: {@code --postgres} or {@code targets.postgres[0]}
     * @param value  what was given there, already redacted
     * @throws CliException naming the origin, the value and the rule
     */
    public static String explicit(String name, String origin, String value) {
        if (!isValid(name)) {
            // the value last: a password redaction that runs over the message must not read the rule's '@' as the end of a password
            throw new CliException(origin + ": bad target name '" + name + "' (" + RULE + ") in '" + value + "'");
        }
        return name;
    }

    /**
     * The default name: {@code host:port}, plus {@code :database} when there is one.
     *
     * @param host as a URI gives it; an IPv6 literal keeps its colons, without its brackets
     */
    public static String derived(String host, int port, Optional<String> database) {
        String h = host;
        if (h.startsWith("[") && h.endsWith("]")) {
            // a name starts with a letter or digit; "::1" does not
            h = "ipv6-" + h.substring(1, h.length() - 1);
        }
        String name = h + ":" + port + database.filter(d -> !d.isEmpty()).map(d -> ":" + d).orElse("");
        String cleaned = OUTSIDE.matcher(name).replaceAll("_");
        return cleaned.length() > MAX_LENGTH ? cleaned.substring(0, MAX_LENGTH) : cleaned;
    }
}
