package dev.telltale.redis;

import dev.telltale.core.Coverage;
import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Finding;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.core.Severity;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A one-shot check of 1,000,000 keys walks all of them (one walk shared by the key detectors) and names a big
 * hash that SCAN reaches last; with a small check budget it says how much it covered and the report is not OK.
 */
class FullScanIT {
    private static final List<String> KEY_DETECTORS = List.of("redis.big-keys", "redis.hot-keys", "redis.ttl-hygiene", "redis.streams",
            "redis.namespaces");
    private static LocalRedis redis;
    private static String bigHash;

    @BeforeAll
    static void load() {
        redis = LocalRedis.embedded() ? LocalRedis.start() : LocalRedis.start("--enable-debug-command", "local");
        RedisCommands<String, String> r = redis.redis();
        // item:0 .. item:999998, short strings, in about a second
        r.dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("POPULATE").add(999_999).add("item"));
        // of 50 candidate names, the one SCAN reaches last becomes a 20,000-field hash
        List<String> candidates = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            candidates.add("catalog:" + i);
            r.set("catalog:" + i, "x");
        }
        Map<String, Long> position = new HashMap<>();
        long seen = 0;
        KeyScanCursor<String> page = r.scan(ScanCursor.INITIAL, KeyScanArgs.Builder.limit(10_000));
        while (true) {
            for (String k : page.getKeys()) {
                seen++;
                if (k.startsWith("catalog:")) {
                    position.put(k, seen);
                }
            }
            if (page.isFinished()) {
                break;
            }
            page = r.scan(ScanCursor.of(page.getCursor()), KeyScanArgs.Builder.limit(10_000));
        }
        bigHash = candidates.stream().max((a, b) -> Long.compare(position.get(a), position.get(b))).orElseThrow();
        assertThat(position.get(bigHash)).as("the big hash sits late in scan order").isGreaterThan(900_000L);
        candidates.stream().filter(c -> !c.equals(bigHash)).forEach(r::del);
        r.del(bigHash);
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            fields.put("sku" + i, "v");
            if (fields.size() == 5_000) {
                r.hset(bigHash, fields);
                fields.clear();
            }
        }
        assertThat(r.dbsize()).isEqualTo(1_000_000L);
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void theDefaultCheckWalksTheWholeKeyspaceOnceAndNamesTheBigHash() throws Exception {
        AtomicLong lastTotal = new AtomicLong();
        AtomicLong updates = new AtomicLong();
        try (RedisTarget target = RedisTarget.fromUrl("catalog", redis.url()).keyNames(KeyNames.full());
             DetectorEngine engine = DetectorEngine.builder().detectors(RedisDetectors.forTarget(target))
                     .progress((detector, t, done, total, unit) -> {
                         if (unit.equals("keys")) {
                             updates.incrementAndGet();
                             lastTotal.set(total);
                         }
                     }).build()) {
            long scansBefore = scanCalls();
            Report report = engine.runOnce(Duration.ofMillis(100));
            long scans = scanCalls() - scansBefore;

            Finding hash = report.findings().stream().filter(f -> f.subject().equals("key " + bigHash + " on " + redis.address()))
                    .findFirst().orElseThrow(() -> new AssertionError(report.findings().toString()));
            assertThat(hash.severity()).isEqualTo(Severity.WARNING);
            assertThat(hash.evidence()).containsEntry("type", "hash").containsEntry("size", 20_000L).containsEntry("scan_pass_complete", true);
            for (String id : KEY_DETECTORS) {
                RunRecord run = run(report, id);
                assertThat(run.outcome().kind()).as(id).isEqualTo("ok");
                Coverage c = run.coverage().orElseThrow(() -> new AssertionError(id + " states no coverage"));
                assertThat(c.complete()).as(id + " " + c.describe()).isTrue();
                assertThat(c.scanned()).as(id).isGreaterThanOrEqualTo(1_000_000L);
            }
            assertThat(report.runs()).noneMatch(RunRecord::partial);
            // one walk for the five key detectors (hot-keys estimating, without an LFU policy): about
            // 1,000,000 / 100 SCAN calls in the reported pass, not five times that
            assertThat(scans).as("SCAN calls of the check").isBetween(9_000L, 15_000L);
            assertThat(updates.get()).isPositive();
            assertThat(lastTotal.get()).isGreaterThanOrEqualTo(1_000_000L);
        }
    }

    @Test
    void aSmallBudgetStatesTheCoverageAndTheReportIsNotOk() throws Exception {
        Map<String, String> budget = new HashMap<>();
        KEY_DETECTORS.forEach(id -> budget.put(id + ".scan.check-budget", "300ms"));
        try (RedisTarget target = RedisTarget.fromUrl("catalog", redis.url()).keyNames(KeyNames.full());
             DetectorEngine engine = DetectorEngine.builder().detectors(RedisDetectors.forTarget(target)).settings(budget).build()) {
            Report report = engine.runOnce(Duration.ofMillis(100));
            Coverage c = run(report, "redis.big-keys").coverage().orElseThrow();
            assertThat(c.total()).isEqualTo(1_000_000L);
            assertThat(c.scanned()).isPositive().isLessThan(c.total());
            assertThat(c.describe()).startsWith("scanned ").endsWith(" %)").contains("of 1,000,000 keys");
            assertThat(report.status()).isIn(Report.Status.UNKNOWN, Report.Status.CRITICAL).isNotEqualTo(Report.Status.OK);
            assertThat(report.runs()).filteredOn(RunRecord::partial).extracting(RunRecord::detector)
                    .contains("redis.big-keys", "redis.ttl-hygiene", "redis.streams", "redis.namespaces", "redis.hot-keys");
        }
    }

    private static RunRecord run(Report report, String id) {
        return report.runs().stream().filter(r -> r.detector().equals(id)).findFirst().orElseThrow();
    }

    private static long scanCalls() {
        return redis.redis().info("commandstats").lines().filter(l -> l.startsWith("cmdstat_scan:"))
                .map(l -> Long.parseLong(l.replaceAll("^cmdstat_scan:calls=(\\d+),.*", "$1"))).findFirst().orElse(0L);
    }
}
