package dev.telltale.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The result of a one-shot run: findings (worst first) and how every detector run ended.
 */
public record Report(Instant startedAt, Duration window, List<Finding> findings, List<RunRecord> runs) {

    /** Nagios-style status with the monitoring-plugin exit code of each. */
    public enum Status {
        OK(0), WARNING(1), CRITICAL(2), UNKNOWN(3);

        private final int exitCode;

        Status(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    public Report {
        findings = findings.stream()
                .sorted(Comparator.comparing(Finding::severity).reversed()
                        .thenComparing(Finding::detector).thenComparing(Finding::target).thenComparing(Finding::subject))
                .toList();
        runs = List.copyOf(runs);
    }

    /**
     * CRITICAL or WARNING when a finding is; otherwise UNKNOWN when a run failed or timed out (we could
     * not look everywhere), else OK. A skipped detector alone does not make a report UNKNOWN.
     */
    public Status status() {
        if (findings.stream().anyMatch(f -> f.severity() == Severity.CRITICAL)) {
            return Status.CRITICAL;
        }
        if (findings.stream().anyMatch(f -> f.severity() == Severity.WARNING)) {
            return Status.WARNING;
        }
        boolean failed = runs.stream().anyMatch(r -> r.outcome() instanceof Outcome.Failed || r.outcome() instanceof Outcome.TimedOut);
        return failed ? Status.UNKNOWN : Status.OK;
    }

    public List<RunRecord> runsNotOk() {
        return runs.stream().filter(r -> !(r.outcome() instanceof Outcome.Ok)).toList();
    }
}
