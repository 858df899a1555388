package dev.telltale.redis.bench;

import dev.telltale.redis.RedisDetectors;
import dev.telltale.redis.RedisInfo;
import dev.telltale.redis.RedisTarget;
import dev.telltale.testkit.DetectorHarness;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cost of one cycle of the cheap (INFO-based) detectors vs one redis_exporter scrape of the same server:
 * wall time per cycle as the caller sees it, and server time per cycle (sum of INFO commandstats usec over
 * the commands it sent). Args: redisPort exporterPort cycles.
 */
public final class CheapCycleBench {
    static final Set<String> CHEAP = Set.of("redis.memory", "redis.cache-efficiency", "redis.clients", "redis.replication",
            "redis.persistence", "redis.slow-commands", "redis.latency");

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int exporterPort = Integer.parseInt(args[1]);
        int cycles = Integer.parseInt(args[2]);
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
        try (StatefulRedisConnection<String, String> admin = client.connect();
             RedisTarget target = RedisTarget.fromUrl("bench", "redis://127.0.0.1:" + port)) {
            List<DetectorHarness> cheap = RedisDetectors.forTarget(target).stream().filter(d -> CHEAP.contains(d.id()))
                    .map(DetectorHarness::of).toList();
            Runnable cycle = () -> cheap.forEach(d -> {
                try {
                    d.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < 5; i++) {
                cycle.run(); // warm up the JIT and the connections
            }
            measure("telltale cheap detectors (7: memory, cache-efficiency, clients, replication, persistence, slow-commands, latency)",
                    admin, cycles, cycle);

            HttpClient http = HttpClient.newHttpClient();
            HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporterPort + "/metrics")).build();
            Runnable exporter = () -> {
                try {
                    HttpResponse<String> res = http.send(scrape, HttpResponse.BodyHandlers.ofString());
                    if (res.statusCode() != 200) {
                        throw new IllegalStateException("exporter answered " + res.statusCode());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            for (int i = 0; i < 5; i++) {
                exporter.run();
            }
            measure("redis_exporter scrape (prometheus-redis-exporter, default flags)", admin, cycles, exporter);
        } finally {
            client.shutdown();
        }
    }

    static void measure(String what, StatefulRedisConnection<String, String> admin, int cycles, Runnable cycle) {
        Map<String, RedisInfo.CommandStats> before = RedisInfo.parse(admin.sync().info("commandstats")).commandStats();
        long t0 = System.nanoTime();
        for (int i = 0; i < cycles; i++) {
            cycle.run();
        }
        double wallMs = (System.nanoTime() - t0) / 1e6 / cycles;
        Map<String, RedisInfo.CommandStats> after = RedisInfo.parse(admin.sync().info("commandstats")).commandStats();
        long usec = 0;
        long calls = 0;
        for (var e : after.entrySet()) {
            RedisInfo.CommandStats b = before.get(e.getKey());
            usec += e.getValue().usec() - (b == null ? 0 : b.usec());
            calls += e.getValue().calls() - (b == null ? 0 : b.calls());
        }
        System.out.printf("%s:%n    %.2f ms wall per cycle, %.0f us of server time per cycle, %.1f commands per cycle (%d cycles)%n",
                what, wallMs, (double) usec / cycles, (double) calls / cycles, cycles);
    }

    private CheapCycleBench() {
    }
}
