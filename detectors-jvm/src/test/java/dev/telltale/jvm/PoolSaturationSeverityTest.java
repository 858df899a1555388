package dev.telltale.jvm;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import dev.telltale.jvm.internal.PoolSaturationDetector;
import dev.telltale.testkit.DetectorHarness;
import dev.telltale.testkit.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pool.saturation} at its maximum and just below it: one severity while it hovers, for its {@code for}. */
class PoolSaturationSeverityTest {
    private static final String WAITING = "pool orders: requests waiting for a connection";

    /** A pool whose numbers the test sets, as a non-HikariCP pool reports them through {@link PoolStats}. */
    private static final class Numbers implements PoolStats {
        volatile int active;
        volatile int pending;

        @Override
        public int active() {
            return active;
        }

        @Override
        public int idle() {
            return 0;
        }

        @Override
        public int pending() {
            return pending;
        }

        @Override
        public int maximum() {
            return 10;
        }
    }

    private static Finding waiting(Detection d) {
        return Detect.finding(d, WAITING).orElseThrow(() -> new AssertionError(d.findings()));
    }

    @Test
    void aPoolHoveringAtItsMaximumStaysCriticalForItsFor() throws Exception {
        TelltaleJvm telltale = TelltaleJvm.builder().target("orders-service").build();
        Numbers pool = new Numbers();
        telltale.registerPool("orders", pool);
        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        DetectorHarness saturation = DetectorHarness.of(telltale.detector(PoolSaturationDetector.ID)).clock(clock); // pending.for 5s

        pool.active = 10;
        pool.pending = 3;
        Finding all = waiting(saturation.run());
        assertThat(all.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(all.summary()).startsWith("3 threads wait for a connection of pool orders (10 of 10 in use)");

        clock.advance(Duration.ofSeconds(2));
        pool.active = 9;
        pool.pending = 2;
        Finding below = waiting(saturation.run());
        assertThat(below.severity()).as("2 s after the last time all were in use: within pending.for").isEqualTo(Severity.CRITICAL);
        assertThat(below.summary()).as("the summary shows what the severity stands on")
                .startsWith("2 threads wait for a connection of pool orders (9 of 10 in use; all 10 were in use 2.0 s ago)");
        assertThat(below.evidence()).containsEntry("all_in_use_at", "2026-01-01T00:00:00Z").containsEntry("active", 9);

        clock.advance(Duration.ofSeconds(2));
        pool.active = 10;
        assertThat(waiting(saturation.run()).severity()).isEqualTo(Severity.CRITICAL);

        clock.advance(Duration.ofSeconds(3));
        pool.active = 9;
        assertThat(waiting(saturation.run()).severity()).as("3 s after the last maximum").isEqualTo(Severity.CRITICAL);

        clock.advance(Duration.ofSeconds(2));
        Finding settled = waiting(saturation.run());
        assertThat(settled.severity()).as("5 s below the maximum: the for has passed").isEqualTo(Severity.WARNING);
        assertThat(settled.summary()).startsWith("2 threads wait for a connection of pool orders (9 of 10 in use)")
                .doesNotContain("were in use");

        clock.advance(Duration.ofSeconds(1));
        pool.active = 10;
        assertThat(waiting(saturation.run()).severity()).as("raising is immediate").isEqualTo(Severity.CRITICAL);
    }

    @Test
    void aFindingThatStoppedStartsAfresh() throws Exception {
        TelltaleJvm telltale = TelltaleJvm.builder().build();
        Numbers pool = new Numbers();
        telltale.registerPool("orders", pool);
        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        DetectorHarness saturation = DetectorHarness.of(telltale.detector(PoolSaturationDetector.ID)).clock(clock);

        pool.active = 10;
        pool.pending = 1;
        assertThat(waiting(saturation.run()).severity()).isEqualTo(Severity.CRITICAL);
        clock.advance(Duration.ofSeconds(1));
        pool.active = 5;
        pool.pending = 0;
        assertThat(Detect.finding(saturation.run(), WAITING)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        pool.active = 9;
        pool.pending = 1;
        assertThat(waiting(saturation.run()).severity()).isEqualTo(Severity.WARNING);
    }
}
