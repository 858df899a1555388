package dev.telltale.core.internal;

import dev.telltale.core.AlertState;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AlertTrackerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final AlertTracker tracker = new AlertTracker();

    private static Finding finding(String subject, Severity severity, Duration holdFor, long waitSeconds) {
        return Finding.builder("postgres.lock-waits", "db", Problem.DATABASE_DEADLOCKS, severity, subject)
                .summary("waiting " + waitSeconds + "s").evidence("wait_seconds", waitSeconds).holdFor(holdFor).build();
    }

    /** The one transition of {@code transitions}, checked to leave its alert in {@code state}. */
    private static AlertTracker.Transition only(List<AlertTracker.Transition> transitions, AlertState state) {
        assertThat(transitions).hasSize(1);
        assertThat(transitions.get(0).alert().state()).isEqualTo(state);
        return transitions.get(0);
    }

    private List<AlertTracker.Transition> run(Instant at, Finding... findings) {
        return tracker.update("postgres.lock-waits", "db", List.of(findings), at);
    }

    @Test
    void pendingUntilHeldForItsDurationThenFiringThenResolved() {
        Duration hold = Duration.ofSeconds(30);
        var t1 = run(T0, finding("pid 2 blocked by pid 1", Severity.WARNING, hold, 31));
        assertThat(t1).singleElement().satisfies(t -> assertThat(t.alert().state()).isEqualTo(AlertState.PENDING));

        assertThat(run(T0.plusSeconds(29), finding("pid 2 blocked by pid 1", Severity.WARNING, hold, 60))).isEmpty();

        AlertTracker.Transition t3 = only(run(T0.plusSeconds(30), finding("pid 2 blocked by pid 1", Severity.WARNING, hold, 61)),
                AlertState.FIRING);
        assertThat(t3.alert().activeSince()).isEqualTo(T0);
        assertThat(t3.alert().firedAt()).contains(T0.plusSeconds(30));
        assertThat(t3.alert().finding().evidence()).containsEntry("wait_seconds", 61L);

        assertThat(run(T0.plusSeconds(40), finding("pid 2 blocked by pid 1", Severity.WARNING, hold, 71)))
                .as("still firing with new values: no transition").isEmpty();

        AlertTracker.Transition t5 = only(run(T0.plusSeconds(50)), AlertState.RESOLVED);
        assertThat(t5.alert().resolvedAt()).contains(T0.plusSeconds(50));
        assertThat(tracker.active()).isEmpty();
    }

    @Test
    void refiresAfterResolvingAsANewEpisode() {
        run(T0, finding("s", Severity.WARNING, Duration.ZERO, 1));
        run(T0.plusSeconds(10));
        AlertTracker.Transition again = only(run(T0.plusSeconds(20), finding("s", Severity.WARNING, Duration.ZERO, 1)),
                AlertState.FIRING);
        assertThat(again.alert().activeSince()).isEqualTo(T0.plusSeconds(20));
        assertThat(again.previousState()).isEmpty();
    }

    @Test
    void zeroHoldFiresAtOnce() {
        assertThat(run(T0, finding("s", Severity.CRITICAL, Duration.ZERO, 1)))
                .singleElement().satisfies(t -> assertThat(t.alert().state()).isEqualTo(AlertState.FIRING));
    }

    @Test
    void pendingThatDisappearsIsForgottenWithoutResolving() {
        run(T0, finding("s", Severity.WARNING, Duration.ofMinutes(1), 1));
        assertThat(run(T0.plusSeconds(10))).isEmpty();
        assertThat(tracker.active()).isEmpty();
        assertThat(run(T0.plusSeconds(20), finding("s", Severity.WARNING, Duration.ofMinutes(1), 1)))
                .singleElement().satisfies(t -> assertThat(t.alert().activeSince()).isEqualTo(T0.plusSeconds(20)));
    }

    @Test
    void severityChangeWhileFiringIsATransition() {
        run(T0, finding("s", Severity.WARNING, Duration.ZERO, 1));
        AlertTracker.Transition escalated = only(run(T0.plusSeconds(10), finding("s", Severity.CRITICAL, Duration.ZERO, 130)),
                AlertState.FIRING);
        assertThat(escalated.alert().finding().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(escalated.previousSeverity()).contains(Severity.WARNING);
        assertThat(escalated.alert().activeSince()).isEqualTo(T0);
    }

    @Test
    void onlyTheRunningDetectorsAlertsResolve() {
        run(T0, finding("s", Severity.WARNING, Duration.ZERO, 1));
        var other = tracker.update("redis.memory", "cache", List.of(), T0.plusSeconds(5));
        assertThat(other).isEmpty();
        assertThat(tracker.update("postgres.lock-waits", "other-db", List.of(), T0.plusSeconds(5))).isEmpty();
        assertThat(tracker.active()).hasSize(1);
    }

    @Test
    void duplicateCandidatesInOneRunCollapseToTheWorst() {
        var t = run(T0, finding("s", Severity.WARNING, Duration.ZERO, 1), finding("s", Severity.CRITICAL, Duration.ZERO, 2));
        assertThat(t).singleElement().satisfies(x -> assertThat(x.alert().finding().severity()).isEqualTo(Severity.CRITICAL));
    }
}
