package dev.telltale.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The result of a one-shot run: findings (worst first) and how every detector run ended.
 */
public record Report(Instant startedAt, Duration window, List<Finding> findings, List<RunRecord> runs) {

    /** Nagios-style status; the command line's exit code is its ordinal. */
    public enum Status {
        OK, WARNING, CRITICAL, UNKNOWN;

        public int exitCode() {
            return ordinal();
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
