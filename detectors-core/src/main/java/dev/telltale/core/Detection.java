package dev.telltale.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one run of a detector saw: signals (gauges) and candidate findings, or the reason it could not
 * look ({@link #skipped}). A detector that fails throws instead; it never turns a failure into "nothing found".
 */
public record Detection(List<Signal> signals, List<Finding> findings, Optional<String> skipReason) {
    public Detection {
        signals = List.copyOf(signals);
        findings = List.copyOf(findings);
        Objects.requireNonNull(skipReason, "skipReason");
    }

    /** The detector could not look: a missing privilege, extension, or a version it does not apply to. */
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

        public Detection build() {
            return Detection.of(signals, findings);
        }
    }
}
