package dev.telltale.core;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The result of a one-shot run: findings (worst first), how every detector run ended, and for each finding
 * how long the report saw it. A finding whose {@code for} ({@link Finding#holdFor()}) is longer than that
 * is <em>pending</em>: it is reported, but it does not raise the status, as an alerting rule would not fire
 * it yet.
 *
 * @param observed how long each finding was seen, by its key: the time between the first pass that saw it
 *                 and the reported pass; a finding missing from the map was seen in the reported pass only
 */
public record Report(Instant startedAt, Duration window, List<Finding> findings, List<RunRecord> runs,
                     Map<Finding.Key, Duration> observed) {
    /** Stands for "seen long enough for any {@code for}" in reports built from alert states. */
    public static final Duration ALWAYS = ChronoUnit.FOREVER.getDuration();

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
        observed = Map.copyOf(observed);
    }

    /** A report whose findings all count as firing (their alert state was decided elsewhere). */
    public Report(Instant startedAt, Duration window, List<Finding> findings, List<RunRecord> runs) {
        this(startedAt, window, findings, runs, allSeen(findings));
    }

    private static Map<Finding.Key, Duration> allSeen(List<Finding> findings) {
        Map<Finding.Key, Duration> m = new java.util.HashMap<>();
        findings.forEach(f -> m.put(f.key(), ALWAYS));
        return m;
    }

    /** How long the report saw {@code finding}. */
    public Duration seenFor(Finding finding) {
        return observed.getOrDefault(finding.key(), Duration.ZERO);
    }

    /** True when the finding was not seen for its {@code for} yet. */
    public boolean pending(Finding finding) {
        return seenFor(finding).compareTo(finding.holdFor()) < 0;
    }

    /** This report with every finding counted as firing, whatever its {@code for} ({@code --no-hold}). */
    public Report ignoringHold() {
        return new Report(startedAt, window, findings, runs);
    }

    /**
     * Monitoring-plugin precedence: CRITICAL when a firing finding is; else UNKNOWN when a run failed or timed
     * out, or looked at part of its subject only (what was not looked at could be anything); else WARNING when
     * a firing finding is; else OK. Pending findings, skipped and not-applicable runs do not change it (see
     * {@link #status(boolean)}).
     */
    public Status status() {
        return status(false);
    }

    /** As {@link #status()}; with {@code strict}, a skipped run (a blind detector) makes the report UNKNOWN too. */
    public Status status(boolean strict) {
        List<Finding> firing = findings.stream().filter(f -> !pending(f)).toList();
        if (firing.stream().anyMatch(f -> f.severity() == Severity.CRITICAL)) {
            return Status.CRITICAL;
        }
        boolean blind = runs.stream().anyMatch(r -> r.outcome() instanceof Outcome.Failed
                || r.outcome() instanceof Outcome.TimedOut || r.partial()
                || (strict && r.outcome() instanceof Outcome.Skipped));
        if (blind) {
            return Status.UNKNOWN;
        }
        if (firing.stream().anyMatch(f -> f.severity() == Severity.WARNING)) {
            return Status.WARNING;
        }
        return Status.OK;
    }

    public List<RunRecord> runsNotOk() {
        return runs.stream().filter(r -> !(r.outcome() instanceof Outcome.Ok)).toList();
    }

    /** Runs that could not look for a reason a person can fix (a privilege, an extension). */
    public List<RunRecord> skipped() {
        return runs.stream().filter(r -> r.outcome() instanceof Outcome.Skipped).toList();
    }
}
