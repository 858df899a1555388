package dev.telltale.testkit.internal;

import java.net.URI;
import java.net.URISyntaxException;

/** Where a Redis server listens, and the credentials (both may be empty) to AUTH with. */
public record RedisEndpoint(String host, int port, String user, String password) {

    public RedisEndpoint {
        UrlParts.checkHostAndPort(host, port);
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
                user = UrlParts.decode(parts[0]);
                password = UrlParts.decode(parts[1]);
            } else {
                password = UrlParts.decode(parts[0]);
            }
        }
        return new RedisEndpoint(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), user, password);
    }

    public String uri(int database) {
        String auth = password.isEmpty() ? "" : UrlParts.encode(user) + ":" + UrlParts.encode(password) + "@";
        return "redis://" + auth + UrlParts.hostForUrl(host) + ":" + port + "/" + database;
    }

    public String redacted() {
        return "redis://" + (password.isEmpty() ? "" : (user.isEmpty() ? "" : user) + ":***@") + host + ":" + port;
    }
}
