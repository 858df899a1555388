package dev.telltale.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one run of a detector saw: signals (gauges) and candidate findings, or the reason it could not
 * look ({@link #skipped}). A detector that fails throws instead; it never turns a failure into "nothing found".
 *
 * <p>A run also says what it did not look at: its {@code coverage} when it walked part of its subject, how
 * many findings it {@code truncated} from its list, and {@code notes} for verdicts a default withheld
 * (statistics too young, a size below a floor), each naming the setting that would lower it.
 */
public record Detection(List<Signal> signals, List<Finding> findings, Optional<String> skipReason,
                        Optional<Coverage> coverage, long truncated, List<String> notes) {
    public Detection {
        signals = List.copyOf(signals);
        findings = List.copyOf(findings);
        Objects.requireNonNull(skipReason, "skipReason");
        Objects.requireNonNull(coverage, "coverage");
        if (truncated < 0) {
            throw new IllegalArgumentException("truncated must be 0 or more: " + truncated);
        }
        notes = List.copyOf(notes);
    }

    public Detection(List<Signal> signals, List<Finding> findings, Optional<String> skipReason) {
        this(signals, findings, skipReason, Optional.empty(), 0, List.of());
    }

    /**
     * The detector could not look for a reason a person can fix: a missing privilege or extension. When the
     * subject does not exist by design (a version without the view), throw {@link DetectionNotApplicableException}.
     */
    public static Detection skipped(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a skipped detection needs a reason a person can act on");
        }
        return new Detection(List.of(), List.of(), Optional.of(reason));
    }

    public static Detection of(List<Signal> signals, List<Finding> findings) {
        return new Detection(signals, findings, Optional.empty());
    }

    public static Detection nothing() {
        return new Detection(List.of(), List.of(), Optional.empty());
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isSkipped() {
        return skipReason.isPresent();
    }

    public static final class Builder {
        private final List<Signal> signals = new ArrayList<>();
        private final List<Finding> findings = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private Coverage coverage;
        private long truncated;

        private Builder() {
        }

        public Builder signal(Signal signal) {
            signals.add(signal);
            return this;
        }

        public Builder signal(SignalSpec spec, double value, String... tagValues) {
            return signal(spec.value(value, tagValues));
        }

        public Builder finding(Finding finding) {
            findings.add(finding);
            return this;
        }

        public Builder finding(Finding.Builder finding) {
            return finding(finding.build());
        }

        /** How much of its subject this run looked at; see {@link Coverage}. */
        public Builder coverage(long scanned, long total, String unit) {
            this.coverage = new Coverage(scanned, total, unit);
            return this;
        }

        /** How many findings were left out of the list (a cap); shown as "and N more". */
        public Builder truncated(long count) {
            this.truncated += count;
            return this;
        }

        /** A verdict withheld by a default, naming the setting that would lower it; shown as an INFO note. */
        public Builder note(String note) {
            notes.add(Objects.requireNonNull(note, "note"));
            return this;
        }

        public Detection build() {
            return new Detection(signals, findings, Optional.empty(), Optional.ofNullable(coverage), truncated, notes);
        }
    }
}
