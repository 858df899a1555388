package dev.telltale.redis.bench;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.redis.RedisDetectors;
import dev.telltale.redis.RedisTarget;
import dev.telltale.testkit.DetectorHarness;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Big-key scan of a prepared server (benchmarks/redis/run.sh loads it): Telltale's redis.big-keys walking the
 * whole keyspace vs {@code redis-cli --memkeys} on the same data. For each: keys per second, and the largest
 * single-command pause on the server, read from SLOWLOG (threshold lowered to 0.5 ms by this program).
 * Args: port [count].
 */
public final class BigKeyScanBench {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String count = args.length > 1 ? args[1] : "500";
        RedisURI uri = RedisURI.create("127.0.0.1", port);
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            RedisCommands<String, String> r = admin.sync();
            long keys = r.dbsize();
            r.configSet("slowlog-log-slower-than", "500");
            r.configSet("slowlog-max-len", "10000");
            System.out.printf("keys in db0: %,d%n", keys);

            for (int round = 0; round < 3; round++) {
                r.slowlogReset();
                Pinger ping = Pinger.start(client);
                long t0 = System.nanoTime();
                long scanned = telltale(port, count);
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("telltale redis.big-keys (SCAN COUNT %s, TYPE + MEMORY USAGE SAMPLES 5 in one write, then sizes):%n"
                        + "    %,d keys in %.2f s = %,.0f keys/s; slowlog: %s; %s%n", count, scanned, secs, scanned / secs, pauses(r), ping.stop());

                r.slowlogReset();
                ping = Pinger.start(client);
                t0 = System.nanoTime();
                Process p = new ProcessBuilder("redis-cli", "-p", String.valueOf(port), "--memkeys")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                p.waitFor();
                secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("redis-cli --memkeys (SCAN COUNT 10, pipelined TYPE + MEMORY USAGE):%n"
                        + "    %,d keys in %.2f s = %,.0f keys/s; slowlog: %s; %s%n", keys, secs, keys / secs, pauses(r), ping.stop());
            }
            r.configSet("slowlog-log-slower-than", "10000");
        } finally {
            client.shutdown();
        }
    }

    static long telltale(int port, String count) throws Exception {
        try (RedisTarget target = RedisTarget.fromUrl("bench", "redis://127.0.0.1:" + port)) {
            Detector d = RedisDetectors.forTarget(target).stream().filter(x -> x.id().equals("redis.big-keys")).findFirst().orElseThrow();
            Map<String, String> settings = Map.of("scan.keys", "100000000", "scan.time", "10m", "scan.count", count, "timeout", "30m");
            Detection det = DetectorHarness.of(d).settings(settings).run();
            return det.signals().stream().filter(s -> s.spec().name().equals("redis.keys.scanned"))
                    .mapToLong(s -> (long) s.value()).sum();
        }
    }

    /** The slowest commands the run left in the slowlog (threshold 0.5 ms). */
    static String pauses(RedisCommands<String, String> r) {
        List<Object> entries = r.slowlogGet(10000);
        long max = 0;
        String which = "";
        for (Object e : entries) {
            List<?> f = (List<?>) e;
            long us = ((Number) f.get(2)).longValue();
            if (us > max && !String.valueOf(f.get(3)).contains("SLOWLOG") && !String.valueOf(f.get(3)).toLowerCase().contains("config")) {
                max = us;
                which = String.valueOf(((List<?>) f.get(3)).get(0));
            }
        }
        return entries.isEmpty() ? "no command took >= 0.5 ms"
                : String.format("%d commands >= 0.5 ms, longest %.2f ms (%s)", entries.size(), max / 1000.0, which);
    }

    private BigKeyScanBench() throws IOException {
    }

    /** Another client's view of the pauses: PING every millisecond during the scan, max and p99 round trip. */
    static final class Pinger {
        private final Thread thread;
        private final List<Long> rtts = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        private volatile boolean stop;

        private Pinger(RedisClient client) {
            thread = new Thread(() -> {
                try (StatefulRedisConnection<String, String> c = client.connect()) {
                    while (!stop) {
                        long t = System.nanoTime();
                        c.sync().ping();
                        rtts.add(System.nanoTime() - t);
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    }
                }
            });
            thread.start();
        }

        static Pinger start(RedisClient client) {
            return new Pinger(client);
        }

        String stop() throws InterruptedException {
            stop = true;
            thread.join();
            List<Long> sorted = new java.util.ArrayList<>(rtts);
            java.util.Collections.sort(sorted);
            if (sorted.isEmpty()) {
                return "no pings";
            }
            return String.format("PING from another client every 1 ms: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d pings)",
                    sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.99)) / 1e6,
                    sorted.get(sorted.size() - 1) / 1e6, sorted.size());
        }
    }
}
