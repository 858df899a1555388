package dev.telltale.postgres.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed connection URL: {@code postgresql://user:pass@host:port/db?k=v} (libpq form, also
 * {@code postgres://}) or {@code jdbc:postgresql://host:port/db?user=..&password=..}. The password is kept
 * apart so that {@link #redacted()} is the only form that is ever printed.
 *
 * @param jdbcUrl  the URL handed to the driver, without user info and without the password parameter
 * @param user     the user, when the URL names one
 * @param password the password, when the URL carries one; never printed
 * @param redacted the URL as it may appear in messages and logs
 */
public record PostgresUrl(String jdbcUrl, Optional<String> user, Optional<String> password, String redacted) {
    private static final Pattern LIBPQ = Pattern.compile("(?i)^postgres(?:ql)?://(?:([^@/?#]*)@)?(.*)$");
    private static final Pattern JDBC = Pattern.compile("(?i)^jdbc:postgresql:(.*)$");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&])password=[^&#]*");
    private static final Pattern USER_PARAM = Pattern.compile("(?i)[?&]user=([^&#]*)");

    public PostgresUrl {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(redacted, "redacted");
    }

    /**
     * Parses a URL. Errors name the URL in its redacted form only.
     *
     * @throws IllegalArgumentException when the text is not a PostgreSQL URL
     */
    public static PostgresUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("PostgreSQL URL is empty; give postgresql://user:pass@host:port/db "
                    + "or jdbc:postgresql://host:port/db");
        }
        String trimmed = url.trim();
        Matcher libpq = LIBPQ.matcher(trimmed);
        if (libpq.matches()) {
            Optional<String> user = Optional.empty();
            Optional<String> password = Optional.empty();
            String userInfo = libpq.group(1);
            if (userInfo != null && !userInfo.isEmpty()) {
                int colon = userInfo.indexOf(':');
                String u = colon < 0 ? userInfo : userInfo.substring(0, colon);
                if (!u.isEmpty()) {
                    user = Optional.of(decode(u));
                }
                if (colon >= 0) {
                    password = Optional.of(decode(userInfo.substring(colon + 1)));
                }
            }
            String rest = libpq.group(2);
            String jdbcUrl = "jdbc:postgresql://" + stripPasswordParam(rest);
            Optional<String> paramPassword = passwordParam(rest);
            if (password.isEmpty()) {
                password = paramPassword;
            }
            if (user.isEmpty()) {
                user = userParam(rest);
            }
            String hidden = password.isPresent() ? ":***" : "";
            String redacted = "postgresql://" + user.map(x -> x + hidden + "@").orElse("") + redactParams(rest);
            return new PostgresUrl(jdbcUrl, user, password, redacted);
        }
        Matcher jdbc = JDBC.matcher(trimmed);
        if (jdbc.matches()) {
            String rest = jdbc.group(1);
            if (!rest.startsWith("//")) {
                throw new IllegalArgumentException("PostgreSQL URL '" + redactParams(trimmed)
                        + "' needs a host: jdbc:postgresql://host:port/db");
            }
            Optional<String> password = passwordParam(rest);
            return new PostgresUrl("jdbc:postgresql:" + stripPasswordParam(rest), userParam(rest), password,
                    "jdbc:postgresql:" + redactParams(rest));
        }
        throw new IllegalArgumentException("not a PostgreSQL URL: '" + redactAnything(trimmed)
                + "'; give postgresql://user:pass@host:port/db or jdbc:postgresql://host:port/db");
    }

    @Override
    public String toString() {
        return redacted;
    }

    private static Optional<String> passwordParam(String rest) {
        Matcher m = Pattern.compile("(?i)[?&]password=([^&#]*)").matcher(rest);
        return m.find() ? Optional.of(decode(m.group(1))) : Optional.empty();
    }

    private static Optional<String> userParam(String rest) {
        Matcher m = USER_PARAM.matcher(rest);
        return m.find() && !m.group(1).isEmpty() ? Optional.of(decode(m.group(1))) : Optional.empty();
    }

    private static String stripPasswordParam(String rest) {
        String s = PASSWORD_PARAM.matcher(rest).replaceAll("$1");
        // tidy "?&" and a trailing separator left behind
        return s.replace("?&", "?").replace("&&", "&").replaceAll("[?&]$", "");
    }

    private static String redactParams(String rest) {
        return PASSWORD_PARAM.matcher(rest).replaceAll("$1password=***");
    }

    /** For text that is not a URL we understand: hide anything that looks like user info or a password. */
    private static String redactAnything(String text) {
        return redactParams(text.replaceAll("//[^@/]*@", "//***@"));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
