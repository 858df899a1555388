package dev.telltale.cli.internal;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${ENV_VAR}} and {@code ${file:/path}} in a value of telltale.yaml or a target flag, so that no secret
 * needs to be written in the file or on the command line: an environment variable's value, or a file's content
 * without its final line break ({@code /run/secrets/...}). {@code $${...}} stands for a literal {@code ${...}}.
 * Inside a URL's user-info ({@code postgresql://telltale:${PG_PASSWORD}@db/shop}) the value is percent-encoded,
 * so a password may hold any character. Errors name where the placeholder is and which, never the value.
 */
public final class Placeholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$(\\$?)\\{([^}]*)}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private final Function<String, String> env;

    public Placeholders(Function<String, String> env) {
        this.env = env;
    }

    /** With the process's environment. */
    public static Placeholders fromEnvironment() {
        return new Placeholders(System::getenv);
    }

    /**
     * @param where the flag or the file and key path, for messages
     * @throws CliException naming {@code where} and the placeholder when a variable is unset or a file unreadable
     */
    public String resolve(String where, String value) {
        if (value == null || !value.contains("${")) {
            return value;
        }
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        int userInfoEnd = userInfoEnd(value);
        while (m.find()) {
            if (!m.group(1).isEmpty()) {
                m.appendReplacement(out, Matcher.quoteReplacement("${" + m.group(2) + "}"));
                continue;
            }
            String resolved = lookUp(where, m.group(2).trim());
            if (m.start() < userInfoEnd) {
                resolved = URLEncoder.encode(resolved, StandardCharsets.UTF_8).replace("+", "%20");
            }
            Redaction.rememberSecret(resolved);
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String lookUp(String where, String ref) {
        if (ref.startsWith("file:")) {
            Path file = Path.of(ref.substring("file:".length()).trim());
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                return text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                        : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            } catch (NoSuchFileException e) {
                throw new CliException(where + ": ${" + ref + "}: file " + file + " does not exist");
            } catch (MalformedInputException e) {
                throw new CliException(where + ": ${" + ref + "}: file " + file + " is not UTF-8 text");
            } catch (IOException | SecurityException e) {
                throw new CliException(where + ": ${" + ref + "}: cannot read " + file + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        if (!ENV_NAME.matcher(ref).matches()) {
            throw new CliException(where + ": '${" + ref + "}' is neither ${ENV_VAR} nor ${file:/path}");
        }
        String v = env.apply(ref);
        if (v == null) {
            throw new CliException(where + ": environment variable " + ref + " (in ${" + ref + "}) is not set");
        }
        return v;
    }

    /** Where a URL's user-info ends (its last '@' before the path), or 0 when the value is no such URL. */
    private static int userInfoEnd(String value) {
        int scheme = value.indexOf("://");
        if (scheme < 0) {
            return 0;
        }
        int start = scheme + 3;
        int pathStart = start;
        // the authority ends at the first '/', '?' or '#' after the last '@' of it; placeholders hold no '@'
        int at = value.lastIndexOf('@');
        if (at < start) {
            return 0;
        }
        int slash = value.indexOf('/', start);
        while (slash >= 0 && slash < at && inPlaceholder(value, slash)) {
            slash = value.indexOf('/', slash + 1);
        }
        if (slash >= 0 && slash < at) {
            return 0;
        }
        return at + pathStart - start;
    }

    private static boolean inPlaceholder(String value, int index) {
        int open = value.lastIndexOf("${", index);
        return open >= 0 && value.indexOf('}', open) > index;
    }
}
