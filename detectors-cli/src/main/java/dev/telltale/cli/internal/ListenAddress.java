package dev.telltale.cli.internal;

import java.net.InetSocketAddress;

/**
 * Where {@code serve} listens, as {@code --web.listen-address} gives it: {@code host:port}, {@code :port} (all
 * interfaces) or {@code [v6-address]:port}; port 0 picks a free one.
 */
public record ListenAddress(String host, int port) {
    public static final String ALL = "0.0.0.0";

    /** @throws CliException naming {@code flag} and the value, for anything else */
    public static ListenAddress parse(String flag, String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw new CliException(flag + " '" + text + "': expected HOST:PORT such as 127.0.0.1:9464 or :9464");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new CliException(flag + " '" + text + "': write an IPv6 address in brackets, such as [::1]:9464");
        }
        return new ListenAddress(host.isEmpty() ? ALL : host, port(flag, t.substring(colon + 1)));
    }

    /** @throws CliException naming {@code flag} and the value, for a port outside 0..65535 */
    public static int port(String flag, String text) {
        try {
            int p = Integer.parseInt(text.trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new CliException(flag + ": port '" + text + "' must be a number 0..65535 (0 picks a free one)");
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }
}
