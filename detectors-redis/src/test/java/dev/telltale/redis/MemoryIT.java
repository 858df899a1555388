package dev.telltale.redis;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryIT {

    @Test
    void fillingALowMaxmemoryEvictsAndIsReported() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--maxmemory", "8mb", "--maxmemory-policy", "allkeys-lru");
             RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            Detector d = Runs.detector(target, "redis.memory");
            Detection first = Runs.run(d);
            assertThat(Runs.above(first, Severity.WARNING)).isEmpty();
            assertThat(Runs.signal(first, "redis.memory.max", redis.address(), "master")).contains(8.0 * 1024 * 1024);

            String value = "x".repeat(1000);
            for (int batch = 0; batch < 20; batch++) {
                Map<String, String> kv = new HashMap<>();
                for (int i = 0; i < 1000; i++) {
                    kv.put("fill:" + batch + ":" + i, value);
                }
                redis.redis().mset(kv);
            }
            Detection second = Runs.run(d);
            Finding evictions = Runs.finding(second, "evictions").orElseThrow();
            assertThat(evictions.severity()).isEqualTo(Severity.WARNING);
            assertThat(evictions.problem()).isEqualTo(Problem.MEMORY_LEAK_LONG_RUNNING);
            assertThat(evictions.subject()).isEqualTo("node " + redis.address() + " evictions");
            assertThat((Long) evictions.evidence().get("evicted_keys")).isPositive();
            assertThat(evictions.evidence()).containsEntry("maxmemory_policy", "allkeys-lru");
            Finding pressure = Runs.finding(second, "memory").orElseThrow();
            assertThat(pressure.severity()).isIn(Severity.WARNING, Severity.CRITICAL);
            assertThat((Double) pressure.evidence().get("usage")).isGreaterThan(0.9);
            assertThat(Runs.signal(second, "redis.memory.usage", redis.address(), "master").orElseThrow()).isGreaterThan(0.9);
            assertThat(Runs.signal(second, "redis.memory.evictions", redis.address(), "master").orElseThrow()).isPositive();
        }
    }

    @Test
    void noMaxmemoryMeansNoRatio() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            Detection d = Runs.run(Runs.detector(target, "redis.memory"));
            assertThat(Runs.signal(d, "redis.memory.usage", redis.address())).isEmpty();
            assertThat(Runs.signal(d, "redis.memory.max", redis.address())).contains(0.0);
            assertThat(Runs.above(d, Severity.WARNING)).isEmpty();
        }
    }

    @Test
    void aFreshServerIsSilent() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            redis.redis().set("user:1", "x");
            Detection d = Runs.run(Runs.detector(target, "redis.memory"));
            assertThat(d.findings()).isEmpty();
            assertThat(Runs.signal(d, "redis.memory.cached_scripts", redis.address())).contains(0.0);
            assertThat(Runs.signal(d, "redis.memory.system_usage", redis.address()).orElseThrow()).isBetween(0.0, 0.9);
            assertThat(Runs.signal(d, "redis.memory.client_buffers", redis.address())).isPresent();
            assertThat(Runs.signal(d, "redis.memory.replica_buffers", redis.address())).contains(0.0);
        }
    }

    @Test
    void moreThanAThousandCachedScriptsAreReported() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            Detector d = Runs.detector(target, "redis.memory");
            for (int i = 0; i < 1000; i++) {
                redis.redis().scriptLoad("return " + i); // a script per value: what generated scripts do
            }
            assertThat(Runs.finding(Runs.run(d), "script cache")).as("1000 is MEMORY DOCTOR's limit, not above it").isEmpty();
            redis.redis().scriptLoad("return 'one more'");
            Detection many = Runs.run(d);
            Finding f = Runs.finding(many, "script cache").orElseThrow(() -> new AssertionError(many.toString()));
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.problem()).isEqualTo(Problem.MEMORY_LEAK_LONG_RUNNING);
            assertThat(f.evidence()).containsEntry("number_of_cached_scripts", 1001L);
            assertThat(Runs.signal(many, "redis.memory.cached_scripts", redis.address())).contains(1001.0);
        }
    }

    @Test
    void freeingMostSmallValuesFragmentsTheAllocator() throws Exception {
        try (LocalRedis redis = LocalRedis.start("--activedefrag", "no"); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            org.junit.jupiter.api.Assumptions.assumeTrue(redis.redis().info("memory").contains("mem_allocator:jemalloc"),
                    "allocator fragmentation fields need jemalloc");
            String value = "v".repeat(100);
            int keys = 300_000;
            for (int batch = 0; batch < keys; batch += 5000) {
                Map<String, String> kv = new HashMap<>();
                for (int i = batch; i < batch + 5000; i++) {
                    kv.put("frag:" + i, value);
                }
                redis.redis().mset(kv);
            }
            for (int batch = 0; batch < keys; batch += 5000) {
                String[] gone = java.util.stream.IntStream.range(batch, batch + 5000).filter(i -> i % 5 != 0)
                        .mapToObj(i -> "frag:" + i).toArray(String[]::new);
                redis.redis().del(gone); // four in five freed: the pages keep the fifth
            }
            Detection d = Runs.run(Runs.detector(target, "redis.memory"));
            Finding f = Runs.finding(d, "allocator fragmentation").orElseThrow(() -> new AssertionError(d.toString()));
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat((Double) f.evidence().get("allocator_frag_ratio")).isGreaterThan(1.1);
            assertThat((Long) f.evidence().get("allocator_frag_bytes")).isGreaterThan(10L << 20);
            assertThat(Runs.finding(d, "node " + redis.address() + " fragmentation")).as("the overhead names the cause").isEmpty();
            assertThat(Runs.signal(d, "redis.memory.allocator_fragmentation", redis.address()).orElseThrow()).isGreaterThan(1.1);
        }
    }

    @Test
    void aSubscriberThatDoesNotReadFillsClientBuffers() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url());
             java.net.Socket subscriber = new java.net.Socket()) {
            subscriber.setReceiveBufferSize(4096);
            subscriber.connect(new java.net.InetSocketAddress("127.0.0.1", redis.port()));
            subscriber.getOutputStream().write("SUBSCRIBE prices\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            subscriber.getOutputStream().flush();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> redis.redis().pubsubNumsub("prices").get("prices") == 1L);
            String message = "p".repeat(256 * 1024);
            for (int i = 0; i < 96; i++) {
                redis.redis().publish("prices", message); // 24 MB the subscriber never reads (the kernel takes a few)
            }
            Detector detector = Runs.detector(target, "redis.memory");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
                Detection d = Runs.run(detector);
                Finding f = Runs.finding(d, "client buffers").orElseThrow(() -> new AssertionError(d.toString()));
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat((Long) f.evidence().get("per_client")).isGreaterThan(200L * 1024);
                assertThat(Runs.signal(d, "redis.memory.client_buffers", redis.address()).orElseThrow()).isGreaterThan(200.0 * 1024);
            });
        }
    }

    @Test
    void rssAgainstTheMachinesMemoryIsMeasured() throws Exception {
        try (LocalRedis redis = LocalRedis.start(); RedisTarget target = RedisTarget.fromUrl("cache", redis.url())) {
            // a threshold a real process crosses: the ratio and the limit it is measured against are the server's own
            Detection d = Runs.run(Runs.detector(target, "redis.memory"), Map.of("system.warning", "0.000001", "for", "0s"));
            Finding f = Runs.finding(d, "system memory").orElseThrow(() -> new AssertionError(d.toString()));
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.evidence().get("limit_source")).isIn("total_system_memory", "cgroup memory limit");
            assertThat((Long) f.evidence().get("limit")).isPositive();
            double usage = Runs.signal(d, "redis.memory.system_usage", redis.address()).orElseThrow();
            assertThat(usage).isPositive().isLessThan(1.0);
        }
    }

    @Test
    void aReplicaThatStopsReadingFillsItsOutputBuffer() throws Exception {
        try (LocalRedis master = LocalRedis.start("--repl-diskless-sync-delay", "0");
             dev.telltale.testkit.StallingProxy link = new dev.telltale.testkit.StallingProxy("127.0.0.1", master.port());
             LocalRedis replica = LocalRedis.start("--replicaof", "127.0.0.1", String.valueOf(link.port()));
             RedisTarget target = RedisTarget.fromUrl("store", master.url())) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> replica.redis().info("replication").contains("master_link_status:up"));
            Detector d = Runs.detector(target, "redis.memory");
            assertThat(Runs.finding(Runs.run(d), "replica buffers")).isEmpty();
            link.stall(); // the replica's link hangs: the master keeps its stream in the replica's output buffer
            String value = "r".repeat(1 << 20);
            for (int i = 0; i < 40; i++) {
                master.redis().set("blob:" + i, value);
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
                Detection stalled = Runs.run(d);
                Finding f = Runs.finding(stalled, "replica buffers").orElseThrow(() -> new AssertionError(stalled.toString()));
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat((Long) f.evidence().get("mem_clients_slaves")).isGreaterThan(10L << 20);
                assertThat(Runs.signal(stalled, "redis.memory.replica_buffers", master.address()).orElseThrow()).isGreaterThan(10.0 * (1 << 20));
            });
            link.resume();
        }
    }
}
