package dev.telltale.redis.internal;

import dev.telltale.redis.RedisInfo;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Redis server process as redis.topology sees it, however many targets reach it: its addresses, role
 * and replication ids, and the links to the other endpoints that make them one replica group.
 */
final class Endpoint {
    private static final String NO_REPLID = "0000000000000000000000000000000000000000";

    final String runId;
    final String address;
    final Set<String> addresses = new LinkedHashSet<>();
    final Set<String> targets = new LinkedHashSet<>();
    final boolean master;
    final String masterAddress;
    final String replid;
    final String replid2;
    final long connectedReplicas;
    final Set<String> replicaAddresses = new LinkedHashSet<>();
    final List<String> links = new ArrayList<>();

    private Endpoint(NodeClient node, RedisInfo info) {
        this.runId = info.string("run_id").orElse(node.node().address());
        this.address = node.node().address();
        this.master = info.isMaster();
        this.masterAddress = master ? null
                : normal(info.string("master_host").orElse("?") + ":" + info.string("master_port").orElse("?"));
        this.replid = info.string("master_replid").orElse(NO_REPLID);
        this.replid2 = info.string("master_replid2").orElse(NO_REPLID);
        this.connectedReplicas = info.numberOr0("connected_slaves");
        info.replicas().forEach(r -> replicaAddresses.add(normal(r.address())));
        addresses.add(normal(address));
    }

    /** Adds the endpoint behind {@code node} to {@code into}, or merges it with the one of the same run_id. */
    static void of(NodeClient node, RedisInfo info, String target, List<Endpoint> into) {
        Endpoint fresh = new Endpoint(node, info);
        Endpoint e = into.stream().filter(x -> x.runId.equals(fresh.runId)).findFirst().orElse(null);
        if (e == null) {
            into.add(fresh);
            e = fresh;
        }
        e.addresses.add(normal(node.node().address()));
        e.targets.add(target);
    }

    /** The endpoints grouped by their replication links (union of the pairwise links). */
    static List<List<Endpoint>> groups(List<Endpoint> endpoints) {
        int n = endpoints.size();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                String why = link(endpoints.get(i), endpoints.get(j));
                if (why != null) {
                    endpoints.get(i).links.add(why);
                    parent[find(parent, i)] = find(parent, j);
                }
            }
        }
        Map<Integer, List<Endpoint>> byRoot = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byRoot.computeIfAbsent(find(parent, i), r -> new ArrayList<>()).add(endpoints.get(i));
        }
        return List.copyOf(byRoot.values());
    }

    /** Why two endpoints belong together, or null when nothing links them. */
    static String link(Endpoint a, Endpoint b) {
        if (a.masterAddress != null && b.addresses.contains(a.masterAddress)) {
            return a.address + " replicates from " + b.address;
        }
        if (b.masterAddress != null && a.addresses.contains(b.masterAddress)) {
            return b.address + " replicates from " + a.address;
        }
        if (a.replicaAddresses.stream().anyMatch(b.addresses::contains)) {
            return b.address + " is a replica of " + a.address;
        }
        if (b.replicaAddresses.stream().anyMatch(a.addresses::contains)) {
            return a.address + " is a replica of " + b.address;
        }
        for (String id : List.of(a.replid, a.replid2)) {
            if (!NO_REPLID.equals(id) && (id.equals(b.replid) || id.equals(b.replid2))) {
                return a.address + " and " + b.address + " share replication id " + id;
            }
        }
        return null;
    }

    String describe() {
        return address + " " + (master ? "master" : "replica of " + masterAddress);
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** host:port with the host as an IP address where it resolves (localhost and 127.0.0.1 are one host). */
    static String normal(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            return hostPort;
        }
        String host = hostPort.substring(0, colon);
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).getHostAddress() + hostPort.substring(colon);
        } catch (java.io.IOException | SecurityException e) {
            return hostPort;
        }
    }
}
