package dev.telltale.redis.internal;

import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisNode;
import dev.telltale.redis.RedisTarget;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.protocol.ConnectionIntent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the nodes of a target and keeps one connection to each. A cluster is read from its partitions
 * (CLUSTER NODES); otherwise the seed's INFO replication gives its master and that master's replicas.
 * The node list is cached and rediscovered every {@link #REFRESH}, so a failover shows up in roles.
 */
public final class Topology implements AutoCloseable {
    static final Duration REFRESH = Duration.ofSeconds(30);
    /**
     * The CLIENT SETNAME of every connection Telltale opens, so that its own commands can be told apart on the
     * server (SLOWLOG entries, CLIENT LIST).
     */
    public static final String CLIENT_NAME = "telltale";
    private static final Duration ACCEPT_WAIT = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);

    /** How often a Sentinel target asks its sentinels where the master is, so a failover is followed within seconds. */
    static final Duration SENTINEL_REFRESH = Duration.ofSeconds(2);

    private Optional<RedisURI> uri;
    private final Duration timeout;
    private final SentinelGroup sentinels;
    private final RedisURI dataTemplate;
    private String masterAddress;
    private long askedAt;
    private RedisClient client;
    private final boolean ownsClient;
    private RedisClusterClient clusterClient;
    private final boolean ownsClusterClient;
    private StatefulRedisClusterConnection<String, String> clusterConnection;
    private StatefulRedisConnection<String, String> seed;
    private final Map<String, StatefulRedisConnection<String, String>> ownConnections = new HashMap<>();
    private final java.util.Set<StatefulRedisConnection<String, String>> named =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final OwnLookups own = new OwnLookups();
    private List<NodeClient> nodes = List.of();
    private long discoveredAt;

    private Topology(Optional<RedisURI> uri, RedisClient client, boolean ownsClient, RedisClusterClient clusterClient,
                     boolean ownsClusterClient, Duration timeout) {
        this(uri, client, ownsClient, clusterClient, ownsClusterClient, timeout, null, null);
    }

    private Topology(Optional<RedisURI> uri, RedisClient client, boolean ownsClient, RedisClusterClient clusterClient,
                     boolean ownsClusterClient, Duration timeout, SentinelGroup sentinels, RedisURI dataTemplate) {
        this.sentinels = sentinels;
        this.dataTemplate = dataTemplate;
        this.uri = uri;
        this.client = client;
        this.ownsClient = ownsClient;
        this.clusterClient = clusterClient;
        this.ownsClusterClient = ownsClusterClient;
        this.timeout = timeout;
    }

    public static Topology owned(RedisURI uri) {
        return new Topology(Optional.of(uri), null, true, null, true, uri.getTimeout());
    }

    /**
     * The master a Sentinel group names, and its replicas: the sentinels are asked where the master is every
     * {@link #SENTINEL_REFRESH}, and a new address (a failover) is rediscovered at once. While the master does not
     * answer, a replica the sentinels list is the seed, so the replicas are still watched.
     *
     * @param dataTemplate credentials, TLS and timeout of the data nodes (its host and port are replaced)
     */
    public static Topology sentinel(SentinelGroup sentinels, RedisURI dataTemplate) {
        return new Topology(Optional.of(dataTemplate), null, true, null, true, dataTemplate.getTimeout(), sentinels, dataTemplate);
    }

    /** The Sentinel group of a Sentinel target, else empty. */
    public Optional<SentinelGroup> sentinelGroup() {
        return Optional.ofNullable(sentinels);
    }

    public static Topology borrowed(RedisClient client, Duration timeout) {
        return new Topology(Optional.empty(), client, false, null, false, timeout);
    }

    public static Topology borrowedCluster(RedisClusterClient client, Duration timeout) {
        return new Topology(Optional.empty(), null, false, client, false, timeout);
    }

    /** The current nodes, rediscovered when the cache is older than {@link #REFRESH}. */
    public synchronized List<NodeClient> nodes() {
        if (sentinels != null && (nodes.isEmpty() || System.nanoTime() - askedAt > SENTINEL_REFRESH.toNanos())) {
            String m = sentinels.currentMaster();
            askedAt = System.nanoTime();
            if (!m.equals(masterAddress)) {
                LOG.debug("telltale: sentinels name {} as master of '{}' (was {})", m, sentinels.masterName(), masterAddress);
                masterAddress = m;
                nodes = List.of();
            } else if (nodes.stream().anyMatch(n -> n.node().address().equals(m)) && sentinels.downMaster().isPresent()) {
                // the sentinels see the master down: rediscover from a replica rather than keep asking a dead node
                nodes = List.of();
            }
        }
        if (nodes.isEmpty() || System.nanoTime() - discoveredAt > REFRESH.toNanos()) {
            nodes = discover();
            discoveredAt = System.nanoTime();
        }
        return nodes;
    }

    private List<NodeClient> discover() {
        if (clusterClient != null) {
            return discoverCluster();
        }
        StatefulRedisConnection<String, String> s = sentinels != null ? sentinelSeed() : seed();
        RedisInfo info = RedisInfo.parse(s.sync().info("server") + "\n" + s.sync().info("replication") + "\n" + s.sync().info("cluster"));
        if (info.clusterEnabled() && uri.isPresent()) {
            clusterClient = RedisClusterClient.create(uri.get());
            clusterClient.setOptions(LinkOptions.cluster());
            return discoverCluster();
        }
        String seedAddress = info.string("tcp_port").map(p -> seedHost() + ":" + p).orElse(seedHost() + ":?");
        List<NodeClient> out = new ArrayList<>();
        if (info.isMaster()) {
            out.add(client(new RedisNode(seedHost(), seedPort(info), RedisNode.Role.MASTER, seedAddress), s));
            addReplicas(info, seedAddress, out);
        } else {
            String masterHost = info.string("master_host").orElse("?");
            int masterPort = (int) info.numberOr0("master_port");
            String masterAddress = masterHost + ":" + masterPort;
            out.add(client(new RedisNode(seedHost(), seedPort(info), RedisNode.Role.REPLICA, masterAddress), s));
            connect(masterHost, masterPort).ifPresent(m -> {
                try {
                    RedisInfo masterInfo = RedisInfo.parse(m.sync().info("replication"));
                    if (masterInfo.isMaster()) {
                        out.add(0, client(new RedisNode(masterHost, masterPort, RedisNode.Role.MASTER, masterAddress), m));
                        addReplicas(masterInfo, masterAddress, out);
                    }
                } catch (RuntimeException e) {
                    LOG.debug("telltale: master {} of a watched replica is unreachable: {}", masterAddress, e.toString());
                }
            });
        }
        return List.copyOf(dedupe(out));
    }

    private void addReplicas(RedisInfo masterInfo, String masterAddress, List<NodeClient> out) {
        for (RedisInfo.ReplicaLink r : masterInfo.replicas()) {
            if (out.stream().anyMatch(n -> n.node().address().equals(r.address()))) {
                continue;
            }
            connect(r.ip(), r.port()).ifPresent(c ->
                    out.add(client(new RedisNode(r.ip(), r.port(), RedisNode.Role.REPLICA, masterAddress), c)));
        }
    }

    private List<NodeClient> discoverCluster() {
        if (clusterConnection == null) {
            clusterConnection = clusterClient.connect();
            clusterConnection.setTimeout(timeout);
        } else {
            clusterClient.refreshPartitions();
        }
        Map<String, String> addressById = new HashMap<>();
        for (RedisClusterNode n : clusterClient.getPartitions()) {
            addressById.put(n.getNodeId(), n.getUri().getHost() + ":" + n.getUri().getPort());
        }
        List<NodeClient> out = new ArrayList<>();
        for (RedisClusterNode n : clusterClient.getPartitions()) {
            if (n.is(NodeFlag.FAIL) || n.is(NodeFlag.NOADDR) || n.is(NodeFlag.HANDSHAKE)) {
                continue; // CLUSTER INFO on the live nodes reports these
            }
            boolean master = n.is(NodeFlag.UPSTREAM) || n.is(NodeFlag.MASTER);
            String host = n.getUri().getHost();
            int port = n.getUri().getPort();
            String shard = master ? host + ":" + port : addressById.getOrDefault(n.getSlaveOf(), "?");
            StatefulRedisConnection<String, String> c = clusterConnection.getConnection(host, port,
                    master ? ConnectionIntent.WRITE : ConnectionIntent.READ);
            c.setTimeout(timeout);
            if (!ownsClusterClient && named.add(c)) {
                // a borrowed cluster client's node connections carry the application's name, if any
                c.sync().clientSetname(CLIENT_NAME);
            }
            out.add(client(new RedisNode(host, port, master ? RedisNode.Role.MASTER : RedisNode.Role.REPLICA, shard), c));
        }
        out.sort((a, b) -> a.node().address().compareTo(b.node().address()));
        return List.copyOf(out);
    }

    /**
     * The master the sentinels name, else the first of the replicas they list that answers (so the replicas stay
     * watched while the master is down and before a failover).
     */
    private StatefulRedisConnection<String, String> sentinelSeed() {
        List<String> candidates = new ArrayList<>();
        candidates.add(masterAddress);
        RuntimeException first = null;
        for (int i = 0; i < candidates.size(); i++) {
            String address = candidates.get(i);
            pointSeedAt(address);
            try {
                return seed();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
                if (i == 0) {
                    candidates.addAll(sentinelReplicas());
                }
            }
        }
        pointSeedAt(masterAddress);
        throw first;
    }

    /** The replicas the first answering sentinel lists and does not consider down, as host:port. */
    private List<String> sentinelReplicas() {
        for (SentinelGroup.Answer<List<Map<String, String>>> a : sentinels.askAll(sentinels::replicas)) {
            if (a.answered()) {
                return a.value().stream().filter(r -> !String.valueOf(r.get("flags")).contains("s_down"))
                        .map(r -> r.get("ip") + ":" + r.get("port")).toList();
            }
        }
        return List.of();
    }

    private void pointSeedAt(String address) {
        int colon = address.lastIndexOf(':');
        RedisURI target = RedisTarget.ownConnection(RedisURI.builder(dataTemplate).withHost(address.substring(0, colon))
                .withPort(Integer.parseInt(address.substring(colon + 1))).build());
        RedisURI current = uri.orElseThrow();
        if (!target.getHost().equals(current.getHost()) || target.getPort() != current.getPort()) {
            if (seed != null) {
                seed.closeAsync();
                seed = null;
            }
        }
        uri = Optional.of(target);
    }

    private NodeClient client(RedisNode node, StatefulRedisConnection<String, String> connection) {
        return new NodeClient(node, connection, timeout, own);
    }

    private StatefulRedisConnection<String, String> seed() {
        if (seed == null || !seed.isOpen()) {
            if (client == null) {
                client = RedisClient.create(uri.orElseThrow());
                client.setOptions(LinkOptions.client());
            }
            seed = uri.isPresent() ? client.connect(uri.get()) : client.connect();
            seed.setTimeout(timeout);
            awaitAccepting(seed);
            if (!ownsClient) {
                seed.sync().clientSetname(CLIENT_NAME);
            }
        }
        return seed;
    }

    /**
     * The link options reject commands while a connection is down instead of queueing them, and a connection
     * just opened was seen, rarely, to refuse its first command that way while Lettuce was still activating or
     * re-establishing it. One PING, retried for a short bound, makes the first real command meet an accepting
     * connection; a connection that is really down still fails, after the bound.
     */
    private static void awaitAccepting(StatefulRedisConnection<String, String> c) {
        long deadline = System.nanoTime() + ACCEPT_WAIT.toNanos();
        while (true) {
            try {
                c.sync().ping();
                return;
            } catch (io.lettuce.core.RedisException e) {
                if (!LinkOptions.rejectedWhileDisconnected(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    private String seedHost() {
        return uri.map(RedisURI::getHost).orElseGet(() -> {
            String remote = String.valueOf(seed.sync().clientInfo());
            return remote.contains("laddr=") ? remote.replaceAll("(?s).*laddr=([^ ]+):\\d+.*", "$1") : "seed";
        });
    }

    private int seedPort(RedisInfo info) {
        return uri.map(RedisURI::getPort).orElse((int) info.numberOr0("tcp_port"));
    }

    /** A connection to another node with the seed's credentials; empty when they are unknown (borrowed client). */
    private Optional<StatefulRedisConnection<String, String>> connect(String host, int port) {
        if (uri.isEmpty()) {
            return Optional.empty();
        }
        String key = host + ":" + port;
        StatefulRedisConnection<String, String> c = ownConnections.get(key);
        if (c != null && c.isOpen()) {
            return Optional.of(c);
        }
        try {
            c = client.connect(RedisTarget.ownConnection(RedisURI.builder(uri.get()).withHost(host).withPort(port).build()));
            c.setTimeout(timeout);
            ownConnections.put(key, c);
            return Optional.of(c);
        } catch (RuntimeException e) {
            LOG.debug("telltale: cannot connect to discovered node {}: {}", key, e.toString());
            return Optional.empty();
        }
    }

    private static List<NodeClient> dedupe(List<NodeClient> in) {
        Map<String, NodeClient> byAddress = new LinkedHashMap<>();
        in.forEach(n -> byAddress.putIfAbsent(n.node().address(), n));
        return new ArrayList<>(byAddress.values());
    }

    /**
     * Drops every connection this topology opened, so that the next {@link #nodes()} connects afresh. Called
     * after a command timed out: on a half-open link Lettuce keeps the old connection and its queue of
     * unanswered commands, and only a new connection tells a link that is back from one that is still stalled.
     */
    public synchronized void reconnect() {
        ownConnections.values().forEach(StatefulRedisConnection::closeAsync);
        ownConnections.clear();
        if (clusterConnection != null) {
            clusterConnection.closeAsync();
            clusterConnection = null;
        }
        if (seed != null) {
            seed.closeAsync();
            seed = null;
        }
        named.clear();
        nodes = List.of();
        if (sentinels != null) {
            sentinels.reconnect();
        }
    }

    @Override
    public synchronized void close() {
        ownConnections.values().forEach(StatefulRedisConnection::close);
        ownConnections.clear();
        if (clusterConnection != null) {
            clusterConnection.close();
        }
        if (seed != null) {
            seed.close();
        }
        if (ownsClusterClient && clusterClient != null) {
            clusterClient.shutdown();
        }
        if (ownsClient && client != null) {
            client.shutdown();
        }
        if (sentinels != null) {
            sentinels.close();
        }
        nodes = List.of();
    }
}
