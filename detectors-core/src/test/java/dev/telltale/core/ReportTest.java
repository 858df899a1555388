package dev.telltale.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The status of a one-shot report: monitoring-plugin precedence, {@code for}, coverage, strict mode. */
class ReportTest {
    private static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");

    private static Finding finding(Severity severity, String subject, Duration holdFor) {
        return Finding.builder("test.x", "db", Problem.SLOW_QUERIES, severity, subject).summary("s").holdFor(holdFor).build();
    }

    private static RunRecord run(Outcome outcome) {
        return new RunRecord("test.x", "db", outcome, T0, Duration.ZERO);
    }

    private static Report report(List<Finding> findings, List<RunRecord> runs, Map<Finding.Key, Duration> observed) {
        return new Report(T0, Duration.ofSeconds(5), findings, runs, observed);
    }

    @Test
    void criticalBeatsUnknownWhichBeatsWarning() {
        Finding warning = finding(Severity.WARNING, "a", Duration.ZERO);
        Finding critical = finding(Severity.CRITICAL, "b", Duration.ZERO);
        RunRecord failed = run(Outcome.failed(new IllegalStateException("down")));
        assertThat(report(List.of(warning, critical), List.of(failed), Map.of()).status()).isEqualTo(Report.Status.CRITICAL);
        assertThat(report(List.of(warning), List.of(failed), Map.of()).status()).isEqualTo(Report.Status.UNKNOWN);
        assertThat(report(List.of(warning), List.of(run(Outcome.OK)), Map.of()).status()).isEqualTo(Report.Status.WARNING);
        assertThat(report(List.of(), List.of(run(Outcome.OK)), Map.of()).status()).isEqualTo(Report.Status.OK);
    }

    @Test
    void aFindingNotSeenForItsForIsPendingAndRaisesNothing() {
        Finding cacheMisses = finding(Severity.WARNING, "hit ratio", Duration.ofMinutes(5));
        Report seenFiveSeconds = report(List.of(cacheMisses), List.of(run(Outcome.OK)),
                Map.of(cacheMisses.key(), Duration.ofSeconds(5)));
        assertThat(seenFiveSeconds.pending(cacheMisses)).isTrue();
        assertThat(seenFiveSeconds.seenFor(cacheMisses)).isEqualTo(Duration.ofSeconds(5));
        assertThat(seenFiveSeconds.status()).isEqualTo(Report.Status.OK);
        assertThat(seenFiveSeconds.ignoringHold().status()).isEqualTo(Report.Status.WARNING);

        Report seenLongEnough = report(List.of(cacheMisses), List.of(run(Outcome.OK)),
                Map.of(cacheMisses.key(), Duration.ofMinutes(5)));
        assertThat(seenLongEnough.pending(cacheMisses)).isFalse();
        assertThat(seenLongEnough.status()).isEqualTo(Report.Status.WARNING);
    }

    @Test
    void aPartialLookIsNeverOk() {
        RunRecord partial = new RunRecord("redis.big-keys", "cache", Outcome.OK, T0, Duration.ofSeconds(3),
                Optional.of(new Coverage(100_000, 1_000_001, "keys")), 0, List.of());
        assertThat(partial.coverage().orElseThrow().describe()).isEqualTo("scanned 100,000 of 1,000,001 keys (9 %)");
        assertThat(report(List.of(), List.of(partial), Map.of()).status()).isEqualTo(Report.Status.UNKNOWN);
        RunRecord whole = new RunRecord("redis.big-keys", "cache", Outcome.OK, T0, Duration.ofSeconds(3),
                Optional.of(new Coverage(1_000_001, 1_000_001, "keys")), 0, List.of());
        assertThat(report(List.of(), List.of(whole), Map.of()).status()).isEqualTo(Report.Status.OK);
    }

    @Test
    void strictCountsBlindDetectorsAsUnknown() {
        Report r = report(List.of(), List.of(run(Outcome.OK), run(new Outcome.Skipped("grant pg_monitor to telltale"))), Map.of());
        assertThat(r.status()).isEqualTo(Report.Status.OK);
        assertThat(r.skipped()).hasSize(1);
        assertThat(r.status(true)).isEqualTo(Report.Status.UNKNOWN);
    }
}
