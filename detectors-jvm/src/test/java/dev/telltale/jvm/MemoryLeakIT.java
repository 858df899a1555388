package dev.telltale.jvm;

import dev.telltale.core.Detection;
import dev.telltale.core.Detector;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import dev.telltale.jvm.internal.MemoryLeakDetector;
import dev.telltale.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real heap of this JVM (failsafe runs it with -Xmx512m), sampled after real collections; only the
 * clock is compressed, five minutes per step, so a 40-minute trend takes seconds.
 */
class MemoryLeakIT {
    /** What the leak keeps: never cleared while the test runs, like a cache without eviction. */
    private static final List<byte[]> LEAK = new ArrayList<>();

    @AfterEach
    void free() {
        LEAK.clear();
        System.gc();
    }

    private static Detection step(Detector detector, TestClock clock, int leakMegabytes) {
        // 64 kB pieces: a 1 MB array would be a humongous object taking two G1 regions.
        for (int i = 0; i < leakMegabytes * 16; i++) {
            LEAK.add(new byte[64 * 1024]);
        }
        System.gc();
        clock.advance(Duration.ofMinutes(5));
        return Detect.run(detector, Map.of("gc-share", "100%"), clock);
    }

    @Test
    void aSteadilyGrowingHeapFiresTheLeakDetector() {
        var detector = TelltaleJvm.builder().build().detector(MemoryLeakDetector.ID);
        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        Detection d = null;
        for (int i = 0; i < 5; i++) {
            d = step(detector, clock, 10);
            assertThat(Detect.finding(d, "growth")).as("too few samples at step " + i).isEmpty();
        }
        for (int i = 0; i < 4; i++) {
            d = step(detector, clock, 10);
        }
        Finding f = Detect.finding(d, "heap after GC: growth").orElseThrow(() -> new AssertionError("no leak finding"));
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat((long) f.evidence().get("growth_bytes_per_minute")).isBetween(1_500_000L, 3_000_000L);
        assertThat((long) f.evidence().get("span_minutes")).isEqualTo(40L);
        assertThat(Detect.signal(d, "jvm.heap.growth_rate")).isPositive();
    }

    @Test
    void aSteadyHeapDoesNot() {
        var detector = TelltaleJvm.builder().build().detector(MemoryLeakDetector.ID);
        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        for (int i = 0; i < 12; i++) {
            // Churn without keeping anything: garbage, not growth.
            List<byte[]> garbage = new ArrayList<>();
            for (int j = 0; j < 20; j++) {
                garbage.add(new byte[1024 * 1024]);
            }
            assertThat(garbage).hasSize(20);
            Detection d = step(detector, clock, 0);
            assertThat(Detect.aboveInfo(d)).isEmpty();
        }
    }
}
