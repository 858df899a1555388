package dev.telltale.testkit.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Where a Redis server listens, and the credentials (both may be empty) to AUTH with. */
public record RedisEndpoint(String host, int port, String user, String password) {

    public RedisEndpoint {
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535 but was " + port);
        }
    }

    public static RedisEndpoint local(int port) {
        return new RedisEndpoint("127.0.0.1", port, "", "");
    }

    /** Parses {@code redis://[[user]:password@]host[:port][/db]}; the db part is ignored (we claim our own). */
    public static RedisEndpoint parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: " + e.getMessage(), e);
        }
        if (!"redis".equals(uri.getScheme())) {
            throw new IllegalArgumentException("expected redis://host:port");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in URL");
        }
        String user = "";
        String password = "";
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            if (parts.length == 2) {
                user = decode(parts[0]);
                password = decode(parts[1]);
            } else {
                password = decode(parts[0]);
            }
        }
        return new RedisEndpoint(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), user, password);
    }

    public String uri(int database) {
        String auth = password.isEmpty() ? "" : encode(user) + ":" + encode(password) + "@";
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "redis://" + auth + h + ":" + port + "/" + database;
    }

    public String redacted() {
        return "redis://" + (password.isEmpty() ? "" : (user.isEmpty() ? "" : user) + ":***@") + host + ":" + port;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
