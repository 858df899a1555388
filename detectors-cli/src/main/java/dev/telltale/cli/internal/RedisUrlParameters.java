package dev.telltale.cli.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Checks the query parameters of a Redis URL that Lettuce would otherwise accept silently: a {@code timeout}
 * it cannot read (or one of zero or less) drops the command timeout, a bad {@code database} the db.
 */
final class RedisUrlParameters {
    private static final Pattern TIMEOUT = Pattern.compile("\\d+(ns|us|ms|s|m|h|d)?");
    private static final Pattern NUMBER = Pattern.compile("\\d{1,9}");

    private RedisUrlParameters() {
    }

    /** @throws CliException naming the target, the key and the value */
    static void check(TargetSpec spec) {
        String url = spec.url();
        int q = url.indexOf('?');
        if (q < 0) {
            return;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            switch (key) {
                case "timeout" -> {
                    if (!TIMEOUT.matcher(value).matches() || value.matches("0+\\D*")) {
                        throw new CliException("--redis " + spec.name() + ": URL parameter timeout='" + value
                                + "' must be a duration above 0 such as 500ms, 2s or 1m");
                    }
                }
                case "database", "db" -> {
                    if (!NUMBER.matcher(value).matches()) {
                        throw new CliException("--redis " + spec.name() + ": URL parameter " + key + "='" + value
                                + "' must be a db number such as 0");
                    }
                }
                default -> {
                    // the other parameters Lettuce takes (clientName, sentinelMasterId, verifyPeer...) pass as they are
                }
            }
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
