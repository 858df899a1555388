package dev.telltale.jvm.internal;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import dev.telltale.testkit.DetectorHarness;
import dev.telltale.testkit.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jdbc.n-plus-one}: the summary shows the measure its severity comes from. */
class NPlusOneSeverityTest {
    private static final long MS = 1_000_000;
    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final NPlusOneRegistry registry = new NPlusOneRegistry(64, clock);
    private final Fingerprint lookup = new SqlFingerprints(64, new CallSites(List.of())).of("select * from visits where pet_id = ?");
    private final DetectorHarness detector = DetectorHarness.of(new NPlusOneDetector("petclinic", registry)).clock(clock);

    private void unit(int lookups, long nanosEach) {
        WorkState w = new WorkState("GET /owners/{ownerId}", false);
        for (int i = 0; i < lookups; i++) {
            w.record(lookup, nanosEach, i);
        }
        registry.unitEnded(w);
        clock.advance(Duration.ofSeconds(1));
    }

    private Finding finding() throws Exception {
        Detection d = detector.run();
        assertThat(d.findings()).hasSize(1);
        return d.findings().get(0);
    }

    @Test
    void theWorstUnitDecidesAndTheSummarySaysSo() throws Exception {
        detector.resolvedSettings();
        unit(25, MS / 10);
        unit(6, MS / 10);
        unit(6, MS / 10);
        Finding f = finding();
        assertThat(f.severity()).as("25 executions once: critical-count 20").isEqualTo(Severity.CRITICAL);
        assertThat(f.summary()).startsWith("GET /owners/{ownerId} runs the same query up to 25 times per unit of work (up to 2.5 ms in all)");
        assertThat(f.evidence()).containsEntry("executions", 6).containsEntry("executions_max", 25);
    }

    @Test
    void cheapRepeatsAreReportedAndTimeOnlyRaisesTheSeverity() throws Exception {
        detector.resolvedSettings();
        for (int i = 0; i < 3; i++) {
            unit(6, 150_000);
        }
        Finding cheap = finding();
        assertThat(cheap.severity()).isEqualTo(Severity.WARNING);
        assertThat(cheap.summary()).contains("up to 6 times per unit of work (up to 0.9 ms in all)");

        unit(6, 20 * MS);
        Finding slow = finding();
        assertThat(slow.severity()).as("120 ms in one unit: critical-total-time 100 ms").isEqualTo(Severity.CRITICAL);
        assertThat(slow.summary()).contains("up to 6 times per unit of work (up to 120 ms in all)");
        assertThat(slow.evidence()).containsEntry("total_time_max_ms", 120.0);
    }

    @Test
    void theSameLookupAgainAndAgainIsNoNPlusOne() {
        WorkState w = new WorkState("GET /x", false);
        for (int i = 0; i < 10; i++) {
            w.record(lookup, MS, i < 8 ? 1 : 2);
        }
        assertThat(w.end(5, 0)).as("two parameter sets among ten executions").isEmpty();
    }
}
