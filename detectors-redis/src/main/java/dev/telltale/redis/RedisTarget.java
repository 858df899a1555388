package dev.telltale.redis;

import dev.telltale.redis.internal.NodeClient;
import dev.telltale.redis.internal.RedisTargetAccess;
import dev.telltale.redis.internal.Topology;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
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

    private final String name;
    private final String description;
    private final Topology topology;
    private volatile KeyNames keyNames = KeyNames.defaults();

    static {
        // the per-node clients go to this module's internals only, never through a public method
        RedisTargetAccess.install(t -> t.topology);
    }

    private RedisTarget(String name, String description, Topology topology) {
        this.name = name;
        this.description = description;
        this.topology = topology;
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
