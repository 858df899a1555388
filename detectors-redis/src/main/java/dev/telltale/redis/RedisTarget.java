package dev.telltale.redis;

import dev.telltale.redis.internal.NodeClient;
import dev.telltale.redis.internal.RedisTargetAccess;
import dev.telltale.redis.internal.SentinelGroup;
import dev.telltale.redis.internal.Topology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Redis deployment to watch: a standalone server, a master with replicas, or a cluster. It discovers
 * every node ({@code CLUSTER NODES} in a cluster, {@code INFO replication} otherwise) and gives each
 * detector one dedicated connection per node, named {@code telltale}, with a command timeout. Passwords
 * never appear in {@link #toString()}, messages or logs.
 */
public final class RedisTarget implements AutoCloseable {
    /** Timeout of every command on every node unless the URL sets another. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern URL = Pattern.compile("rediss?://([^@/]*@)?(\\[[0-9a-fA-F:.]+\\]|[^:/?@\\[\\]]+)(:\\d{1,5})?(/\\d{1,5})?/?(\\?.*)?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");
    /** The port a sentinel listens on unless its address gives another. */
    public static final int DEFAULT_SENTINEL_PORT = 26379;
    private static final Pattern SENTINEL_URL = Pattern.compile("redis-sentinel://(?:([^@/]*)@)?([^/?@]+)/([^/?#]+)/?(?:\\?(.*))?");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^:,\\[\\]]+)(?::(\\d{1,5}))?");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    private final String name;
    private final String description;
    private final Topology topology;
    private final String sentinelMaster;
    private volatile KeyNames keyNames = KeyNames.defaults();

    static {
        // the per-node clients go to this module's internals only, never through a public method
        RedisTargetAccess.install(t -> t.topology);
    }

    private RedisTarget(String name, String description, Topology topology) {
        this(name, description, topology, null);
    }

    private RedisTarget(String name, String description, Topology topology, String sentinelMaster) {
        this.name = name;
        this.description = description;
        this.topology = topology;
        this.sentinelMaster = sentinelMaster;
    }

    /**
     * A target from {@code redis://[[user]:password@]host:port[/db]} or {@code rediss://...}. Connections are
     * opened on first use, so an unreachable server shows as a failed run rather than here.
     *
     * @throws IllegalArgumentException naming the target (never the password) when the URL is not a Redis URL
     */
    public static RedisTarget fromUrl(String name, String url) {
        checkName(name);
        Objects.requireNonNull(url, "url of Redis target " + name);
        String safe = redact(url);
        if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw new IllegalArgumentException("Redis target '" + name + "': URL '" + safe
                    + "' must start with redis:// or rediss://");
        }
        if (!URL.matcher(url).matches()) {
            throw new IllegalArgumentException("Redis target '" + name + "': URL '" + safe
                    + "' is not redis://[[user]:password@]host[:port][/db] (rediss:// for TLS)");
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Redis target '" + name + "': cannot read URL '" + safe + "'");
        }
        if (!url.contains("timeout=")) {
            uri.setTimeout(DEFAULT_COMMAND_TIMEOUT);
        }
        return new RedisTarget(name, safe, Topology.owned(ownConnection(uri)));
    }

    /**
     * A master and its replicas found through Sentinel, from
     * {@code redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/master-name[?timeout=2s&sentinel-password=...]}:
     * the password in the URL is the data nodes' (master and replicas), {@code sentinel-password} the sentinels'
     * own (none unless given). The port of a sentinel defaults to {@value #DEFAULT_SENTINEL_PORT}. Besides the
     * per-node detectors on the master and replicas, {@link RedisDetectors#forTarget} runs the Sentinel
     * detectors on it; after a failover the new master is watched.
     *
     * @throws IllegalArgumentException naming the target (never a password) when the URL is not such a URL
     */
    public static RedisTarget fromSentinelUrl(String name, String url) {
        checkName(name);
        Objects.requireNonNull(url, "url of Redis target " + name);
        String safe = redactSentinel(url);
        Matcher m = SENTINEL_URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("Redis target '" + name + "': URL '" + safe
                    + "' is not redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/master-name");
        }
        SentinelBuilder b = sentinel(name).masterName(decode(m.group(3)));
        for (String hp : m.group(2).split(",", -1)) {
            Matcher h = HOST_PORT.matcher(hp.trim());
            if (!h.matches()) {
                throw new IllegalArgumentException("Redis target '" + name + "': URL '" + safe + "': '" + hp
                        + "' is not a sentinel host[:port]");
            }
            b.sentinel(h.group(1).replace("[", "").replace("]", ""),
                    h.group(2) == null ? DEFAULT_SENTINEL_PORT : Integer.parseInt(h.group(2)));
        }
        if (m.group(1) != null) {
            String info = m.group(1);
            int colon = info.indexOf(':');
            if (colon > 0) {
                b.username(decode(info.substring(0, colon)));
            }
            b.password(decode(colon >= 0 ? info.substring(colon + 1) : info));
        }
        if (m.group(4) != null && !m.group(4).isEmpty()) {
            for (String pair : m.group(4).split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (key) {
                    case "sentinel-password" -> b.sentinelPassword(value);
                    case "timeout" -> b.timeout(duration(name, safe, value));
                    default -> throw new IllegalArgumentException("Redis target '" + name + "': URL '" + safe
                            + "': unknown parameter '" + key + "' (known: timeout, sentinel-password)");
                }
            }
        }
        return b.description(safe).build();
    }

    /** A Sentinel target built in code: at least one sentinel and the master name. */
    public static SentinelBuilder sentinel(String name) {
        checkName(name);
        return new SentinelBuilder(name);
    }

    /** The master name a Sentinel target watches, else empty. */
    public Optional<String> sentinelMaster() {
        return Optional.ofNullable(sentinelMaster);
    }

    /** Builds a Sentinel target ({@link #sentinel}). Passwords never appear in its description. */
    public static final class SentinelBuilder {
        private final String name;
        private final List<SentinelGroup.Address> sentinels = new ArrayList<>();
        private String masterName;
        private String username;
        private char[] password;
        private char[] sentinelPassword;
        private Duration timeout = DEFAULT_COMMAND_TIMEOUT;
        private String description;

        private SentinelBuilder(String name) {
            this.name = name;
        }

        /** One sentinel of the group; the others it knows are found through it. */
        public SentinelBuilder sentinel(String host, int port) {
            if (host == null || host.isBlank() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("Redis target '" + name + "': sentinel '" + host + ":" + port
                        + "' needs a host and a port 1..65535");
            }
            sentinels.add(new SentinelGroup.Address(host, port));
            return this;
        }

        /** The name the sentinels monitor the master under ({@code sentinel monitor <name> ...}). */
        public SentinelBuilder masterName(String masterName) {
            this.masterName = masterName;
            return this;
        }

        /** The ACL user of the data nodes, if not {@code default}. */
        public SentinelBuilder username(String username) {
            this.username = username;
            return this;
        }

        /** The data nodes' password (master and replicas). */
        public SentinelBuilder password(String password) {
            this.password = password == null ? null : password.toCharArray();
            return this;
        }

        /** The sentinels' own password ({@code requirepass} in sentinel.conf), if they have one. */
        public SentinelBuilder sentinelPassword(String password) {
            this.sentinelPassword = password == null || password.isEmpty() ? null : password.toCharArray();
            return this;
        }

        /** Timeout of every command on every node and sentinel. */
        public SentinelBuilder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("Redis target '" + name + "': timeout must be above 0");
            }
            this.timeout = timeout;
            return this;
        }

        SentinelBuilder description(String description) {
            this.description = description;
            return this;
        }

        public RedisTarget build() {
            if (sentinels.isEmpty()) {
                throw new IllegalArgumentException("Redis target '" + name + "': a Sentinel target needs at least one sentinel");
            }
            if (masterName == null || masterName.isBlank()) {
                throw new IllegalArgumentException("Redis target '" + name + "': a Sentinel target needs the master name");
            }
            RedisURI.Builder data = RedisURI.builder().withHost(sentinels.get(0).host()).withPort(sentinels.get(0).port())
                    .withTimeout(timeout);
            if (password != null) {
                if (username != null) {
                    data.withAuthentication(username, password);
                } else {
                    data.withPassword(password);
                }
            }
            RedisURI.Builder sentinel = RedisURI.builder().withHost(sentinels.get(0).host()).withPort(sentinels.get(0).port())
                    .withTimeout(timeout);
            if (sentinelPassword != null) {
                sentinel.withPassword(sentinelPassword);
            }
            String shown = description != null ? description : "redis-sentinel://" + String.join(",",
                    sentinels.stream().map(SentinelGroup.Address::toString).toList()) + "/" + masterName;
            SentinelGroup group = new SentinelGroup(masterName, sentinels, ownConnection(sentinel.build()));
            return new RedisTarget(name, shown, Topology.sentinel(group, ownConnection(data.build())), masterName);
        }
    }

    private static Duration duration(String name, String safe, String value) {
        Matcher d = DURATION.matcher(value);
        if (!d.matches() || Long.parseLong(d.group(1)) == 0) {
            throw new IllegalArgumentException("Redis target '" + name + "': URL '" + safe + "': timeout='" + value
                    + "' must be a duration above 0 such as 500ms, 2s or 1m");
        }
        long n = Long.parseLong(d.group(1));
        return d.group(2) == null || d.group(2).equals("s") ? Duration.ofSeconds(n)
                : d.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofMinutes(n);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** A sentinel URL without its passwords: the user-info one and {@code sentinel-password}. */
    static String redactSentinel(String url) {
        return redact(url).replaceAll("(?i)(sentinel-password=)[^&]*", "$1***");
    }

    /**
     * Makes {@code uri} the URI of one of Telltale's own connections (such as a reachability probe): Lettuce
     * names it {@code telltale} in its HELLO, so that every command it sends, the first one and those after an
     * automatic reconnect included, is told apart on the server (SLOWLOG entries, CLIENT LIST); and it sends no
     * CLIENT SETINFO, which servers before 7.2 answer with an error Lettuce logs on every connect.
     *
     * @return {@code uri}
     */
    public static RedisURI ownConnection(RedisURI uri) {
        uri.setClientName(Topology.CLIENT_NAME);
        uri.setLibraryName("");
        uri.setLibraryVersion("");
        return uri;
    }

    /**
     * A target watched through the application's own client. Telltale opens its own connection from it (it
     * never borrows the application's) and never closes the client. Lettuce does not expose the client's
     * credentials, so replicas are seen from their master only; give each replica as its own target (or use
     * {@link #fromUrl}) to run per-replica detectors on it.
     */
    public static RedisTarget fromClient(String name, RedisClient client) {
        checkName(name);
        Objects.requireNonNull(client, "client of Redis target " + name);
        return new RedisTarget(name, "lettuce client", Topology.borrowed(client, DEFAULT_COMMAND_TIMEOUT));
    }

    /** A cluster watched through the application's cluster client; every node is reached through it. */
    public static RedisTarget fromClusterClient(String name, RedisClusterClient client) {
        checkName(name);
        Objects.requireNonNull(client, "client of Redis target " + name);
        return new RedisTarget(name, "lettuce cluster client", Topology.borrowedCluster(client, DEFAULT_COMMAND_TIMEOUT));
    }

    public String name() {
        return name;
    }

    /**
     * How findings and logs show key names: {@link KeyNames#defaults()} (the first segment only) unless set.
     * Set it before the detectors first run.
     */
    public RedisTarget keyNames(KeyNames names) {
        this.keyNames = Objects.requireNonNull(names, "names");
        return this;
    }

    /** How findings and logs show key names. */
    public KeyNames keyNames() {
        return keyNames;
    }

    /** The nodes as last discovered (discovering them now if needed). */
    public List<RedisNode> nodes() {
        return topology.nodes().stream().map(NodeClient::node).toList();
    }

    /** Closes the connections Telltale opened; a client handed in by the application stays open. */
    @Override
    public void close() {
        topology.close();
    }

    @Override
    public String toString() {
        return "RedisTarget[" + name + " " + description + "]";
    }

    static String redact(String url) {
        int at = url.lastIndexOf('@');
        int scheme = url.indexOf("://");
        if (at < 0 || scheme < 0 || at < scheme) {
            return url;
        }
        return url.substring(0, scheme + 3) + "***@" + url.substring(at + 1);
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Redis target name '" + name
                    + "' must be 1 to 64 letters, digits, '_', '.', ':' or '-'");
        }
    }
}
