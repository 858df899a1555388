package dev.telltale.testkit.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** What {@link PgEndpoint} and {@link RedisEndpoint} check and write the same way in their URLs. */
final class UrlParts {
    private UrlParts() {
    }

    /** Refuses a blank host or a port outside 1..65535. */
    static void checkHostAndPort(String host, int port) {
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535 but was " + port);
        }
    }

    /** The host as a URL writes it: an IPv6 address in brackets. */
    static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
