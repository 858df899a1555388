package dev.telltale.redis.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.DetectionContext;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Connections: connected vs maxclients, connections refused since the last run, clients blocked in
 * BLPOP-like commands, and clients whose output buffer grows (read from CLIENT LIST only when the client
 * count is small enough for its reply to stay cheap).
 */
public final class ClientsDetector extends RedisDetector implements ClientsDetectorSpec {
    private final Counters counters = new Counters();

    public ClientsDetector(RedisTarget target) {
        super(target, SPEC);
    }

    @Override
    protected void detectNode(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        RedisInfo info = node.info();
        String address = node.node().address();
        long connected = info.numberOr0("connected_clients");
        long max = info.number("maxclients").orElseGet(() -> node.config("maxclients").map(Long::parseLong).orElse(0L));
        long blocked = info.numberOr0("blocked_clients");
        out.signal(CONNECTED, connected, tags(node)).signal(BLOCKED, blocked, tags(node));
        if (max > 0) {
            double ratio = (double) connected / max;
            out.signal(MAX, max, tags(node)).signal(USAGE, ratio, tags(node));
            Severity sev = ratio >= ctx.setting(CRITICAL) ? Severity.CRITICAL : ratio >= ctx.setting(WARNING) ? Severity.WARNING : null;
            if (sev != null) {
                out.finding(ctx.finding(Problem.CONNECTION_POOL_STARVATION, sev, nodeSubject(node) + " connections")
                        .summary(String.format("Redis %s has %d of %d connections in use (%.0f %%)", address, connected, max, ratio * 100))
                        .evidence("connected_clients", connected).evidence("maxclients", max).evidence("usage", MemoryDetector.round(ratio))
                        .evidence("total_connections_received", info.numberOr0("total_connections_received"))
                        .hint("new connections will be refused at maxclients: look for connection leaks or oversized pools"
                                + " in the applications (CLIENT LIST groups them by name and address)")
                        .holdFor(ctx.setting(FOR)));
            }
        }
        counters.update(address, info.numberOr0("uptime_in_seconds"),
                Map.of("rejected", info.numberOr0("rejected_connections"))).ifPresent(d -> {
            out.signal(REJECTED, d.perSecond("rejected"), tags(node));
            if (d.reset().isEmpty() && d.get("rejected") > 0) {
                out.finding(ctx.finding(Problem.CONNECTION_POOL_STARVATION, Severity.CRITICAL, nodeSubject(node) + " rejected connections")
                        .summary(String.format("Redis %s refused %d connections in %.0f s (maxclients %d reached)",
                                address, d.get("rejected"), d.seconds(), max))
                        .evidence("rejected_connections", d.get("rejected")).evidence("connected_clients", connected)
                        .evidence("maxclients", max)
                        .hint("clients get 'max number of clients reached': raise maxclients (and the fd limit) or shrink the pools"));
            }
        });
        if (blocked >= ctx.setting(BLOCKED_WARNING)) {
            out.finding(ctx.finding(Problem.CONNECTION_POOL_STARVATION, Severity.WARNING, nodeSubject(node) + " blocked clients")
                    .summary(String.format("%d clients of Redis %s wait in blocking commands", blocked, address))
                    .evidence("blocked_clients", blocked).evidence("connected_clients", connected)
                    .hint("each holds a connection of its pool while it waits (BLPOP, BRPOP, XREAD BLOCK, WAIT)"));
        }
        if (connected <= ctx.setting(CLIENT_LIST_MAX)
                && info.numberOr0("client_recent_max_output_buffer") >= ctx.setting(OUTPUT_BUFFER_WARNING)) {
            bigBuffers(ctx, node, out);
        }
    }

    private void bigBuffers(DetectionContext ctx, NodeClient node, Detection.Builder out) {
        record Client(String addr, String name, String cmd, long omem) {
        }
        List<Client> big = new ArrayList<>();
        for (String line : node.sync().clientList().split("\n")) {
            Map<String, String> f = fields(line);
            long omem = parse(f.get("omem"));
            if (omem >= ctx.setting(OUTPUT_BUFFER_WARNING)) {
                big.add(new Client(f.getOrDefault("addr", "?"), f.getOrDefault("name", ""), f.getOrDefault("cmd", ""), omem));
            }
        }
        big.sort(Comparator.comparingLong(Client::omem).reversed());
        for (Client c : big.subList(0, Math.min(3, big.size()))) {
            String who = c.name().isEmpty() ? c.addr() : c.name() + " " + c.addr();
            out.finding(ctx.finding(Problem.CONNECTION_POOL_STARVATION, Severity.WARNING,
                            "client " + who + " output buffer on " + node.node().address())
                    .summary(String.format("A client of Redis %s (%s) has %s waiting in its output buffer", node.node().address(),
                            who, MemoryDetector.mb(c.omem())))
                    .evidence("addr", c.addr()).evidence("name", c.name()).evidence("last_command", c.cmd()).evidence("omem", c.omem())
                    .hint("a slow reader (or a MONITOR / pub-sub consumer) that cannot keep up; its buffer counts against memory"));
        }
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String part : line.strip().split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return out;
    }

    private static long parse(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
