package dev.telltale.testkit.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where a PostgreSQL server listens and who we are on it. Parsed from either JDBC form
 * ({@code jdbc:postgresql://host:port/db?user=u&password=p}) or libpq URI form
 * ({@code postgresql://u:p@host:port/db}).
 */
public record PgEndpoint(String host, int port, String database, String user, String password) {

    public PgEndpoint {
        UrlParts.checkHostAndPort(host, port);
    }

    public static PgEndpoint parse(String url) {
        String text = url.strip();
        String rest;
        if (text.startsWith("jdbc:postgresql://")) {
            rest = text.substring("jdbc:".length());
        } else if (text.startsWith("postgresql://") || text.startsWith("postgres://")) {
            rest = text;
        } else {
            throw new IllegalArgumentException("expected jdbc:postgresql://host:port/db?user=... or postgresql://user:pass@host:port/db");
        }
        URI uri;
        try {
            uri = new URI(rest);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL: " + e.getMessage(), e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in URL");
        }
        Map<String, String> query = query(uri.getRawQuery());
        String user = "postgres";
        String password = "";
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = UrlParts.decode(parts[0]);
            password = parts.length > 1 ? UrlParts.decode(parts[1]) : "";
        }
        user = query.getOrDefault("user", user);
        password = query.getOrDefault("password", password);
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty()) {
            database = query.getOrDefault("dbname", "postgres");
        }
        return new PgEndpoint(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database, user, password);
    }

    public PgEndpoint withDatabase(String other) {
        return new PgEndpoint(host, port, other, user, password);
    }

    /** JDBC URL that carries the credentials, so it alone is enough to connect. */
    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(hostForUrl()).append(':').append(port)
                .append('/').append(UrlParts.encode(database)).append("?user=").append(UrlParts.encode(user));
        if (!password.isEmpty()) {
            url.append("&password=").append(UrlParts.encode(password));
        }
        return url.toString();
    }

    /** The same URL with the password hidden, for messages and logs. */
    public String redacted() {
        return "jdbc:postgresql://" + hostForUrl() + ':' + port + '/' + database + "?user=" + user
                + (password.isEmpty() ? "" : "&password=***");
    }

    public Connection connect(int connectTimeoutSeconds) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        props.setProperty("ApplicationName", "telltale-testkit");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    private String hostForUrl() {
        return UrlParts.hostForUrl(host);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            values.put(UrlParts.decode(kv[0]), kv.length > 1 ? UrlParts.decode(kv[1]) : "");
        }
        return values;
    }
}
