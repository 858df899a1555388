package dev.telltale.testkit;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Outcome;
import dev.telltale.core.Problem;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.core.Severity;
import dev.telltale.core.SignalSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TelltaleAssertionsTest {
    private static final SignalSpec WAITING = SignalSpec.of("postgres.locks.waiting", "sessions", "Waiting sessions");
    private final Finding finding = Finding.builder("postgres.lock-waits", "db", Problem.DATABASE_DEADLOCKS, Severity.WARNING,
                    "pid 42 blocked by pid 41")
            .summary("pid 42 waits 95 s").evidence("root_blocker_pid", 41).evidence("relation", "public.orders")
            .hint("see pid 41").build();
    private final Detection detection = Detection.builder().signal(WAITING, 3).finding(finding).build();

    @Test
    void passesOnWhatIsThere() {
        TelltaleAssertions.assertThat(detection).hasSignal("postgres.locks.waiting", 3)
                .hasFinding(Problem.DATABASE_DEADLOCKS).hasSeverity(Severity.WARNING)
                .hasSubjectContaining("blocked by pid 41").hasEvidence("root_blocker_pid", 41L)
                .hasEvidence("relation", "public.orders").hasHint();
        TelltaleAssertions.assertThat(Detection.skipped("grant pg_monitor to app")).isSkippedWithReasonContaining("pg_monitor");
        Report report = new Report(Instant.EPOCH, Duration.ZERO, List.of(finding),
                List.of(new RunRecord("postgres.lock-waits", "db", Outcome.OK, Instant.EPOCH, Duration.ZERO)));
        TelltaleAssertions.assertThat(report).hasStatus(Report.Status.WARNING).hasRun("postgres.lock-waits", "ok")
                .hasFinding("postgres.lock-waits", "pid 42").hasProblem(Problem.DATABASE_DEADLOCKS);
    }

    @Test
    void failsWithMessagesThatShowWhatWasThere() {
        assertThatThrownBy(() -> TelltaleAssertions.assertThat(detection).hasNoFindingAbove(Severity.INFO))
                .hasMessageContaining("expected no finding above INFO").hasMessageContaining("pid 42 blocked by pid 41");
        assertThatThrownBy(() -> TelltaleAssertions.assertThat(finding).hasEvidence("waiters", 3))
                .hasMessageContaining("expected evidence <waiters> but the finding has only [root_blocker_pid, relation]");
        assertThatThrownBy(() -> TelltaleAssertions.assertThat(detection).hasSignal("postgres.locks.waiting", 4))
                .hasMessageContaining("expected signal postgres.locks.waiting[] = 4.0 but was 3.0");
        assertThatThrownBy(() -> TelltaleAssertions.assertThat(Detection.nothing()).isSkippedWithReasonContaining("x"))
                .hasMessageContaining("expected a skipped detection");
    }
}
