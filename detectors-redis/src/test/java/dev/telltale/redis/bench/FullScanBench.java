package dev.telltale.redis.bench;

import dev.telltale.core.DetectorEngine;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.redis.RedisDetectors;
import dev.telltale.redis.RedisTarget;

import java.time.Duration;
import java.util.stream.Collectors;

/**
 * One default one-shot check of a prepared server (benchmarks/redis/fullscan.sh loads it and times this
 * process beside redis-cli): every per-node detector of the target, the key detectors walking the whole
 * keyspace in one shared walk. Prints the check's own time, the coverage of redis.big-keys and the status.
 * Args: port [window, e.g. 0s] [setting=value ...].
 */
public final class FullScanBench {
    private FullScanBench() {
    }

    public static void main(String[] args) throws Exception {
        check(args, id -> true, "redis.big-keys");
    }

    /** The check of the detectors whose id {@code detectors} accepts; prints the coverage and notes of {@code reported}. */
    static void check(String[] args, java.util.function.Predicate<String> detectors, String reported) throws Exception {
        // as telltale.jar does: Lettuce's JFR event recorder costs seconds at start-up on a small machine
        if (System.getProperty("io.lettuce.core.jfr") == null) {
            System.setProperty("io.lettuce.core.jfr", "false");
        }
        int port = Integer.parseInt(args[0]);
        Duration window = Duration.parse("PT" + (args.length > 1 ? args[1] : "0s"));
        java.util.Map<String, String> settings = new java.util.HashMap<>();
        for (int i = 2; i < args.length; i++) {
            settings.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
        }
        long t0 = System.nanoTime();
        try (RedisTarget target = RedisTarget.fromUrl("bench", "redis://127.0.0.1:" + port);
             DetectorEngine engine = DetectorEngine.builder()
                     .detectors(RedisDetectors.forTarget(target).stream().filter(d -> detectors.test(d.id())).toList())
                     .settings(settings).build()) {
            Report report = engine.runOnce(window);
            double secs = (System.nanoTime() - t0) / 1e9;
            RunRecord big = report.runs().stream().filter(r -> r.detector().equals(reported)).findFirst().orElseThrow();
            String findings = report.findings().stream().map(f -> f.detector() + " " + f.subject())
                    .collect(Collectors.joining("; "));
            String slowest = report.runs().stream().sorted((a, b) -> b.duration().compareTo(a.duration())).limit(3)
                    .map(r -> String.format("%s %.2f s", r.detector(), r.duration().toMillis() / 1000.0)).collect(Collectors.joining(", "));
            System.out.printf("telltale check: %.2f s in process (longest reported runs: %s), %s %s (%s), status %s, findings: %s%n",
                    secs, slowest, reported,
                    big.coverage().map(c -> c.describe()).orElse("no coverage"), big.outcome().kind(), report.status(),
                    findings.isEmpty() ? "none" : findings);
            big.notes().forEach(n -> System.out.println("note: " + n));
        }
    }
}
