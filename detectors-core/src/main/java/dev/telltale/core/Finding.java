package dev.telltale.core;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something wrong, found by a detector on a target. Two findings are the same finding when their
 * {@link #key()} is equal: detector, target, problem and subject, never the measured values, so a wait
 * that grows from 31 s to 95 s stays one alert.
 *
 * @param subject  what is affected, in words a person recognises: {@code public.orders},
 *                 {@code pid 4242 blocked by pid 4190}, {@code key user:42:cart}
 * @param summary  one line that says what is wrong and how bad
 * @param evidence the numbers and the SQL or command seen, in a stable order
 * @param hint     what to look at next
 * @param holdFor  how long the finding must hold before it fires ({@code for} in alerting rules)
 */
public record Finding(String detector, String target, Problem problem, Severity severity, String subject,
                      String summary, Map<String, Object> evidence, String hint, Duration holdFor) {

    public Finding {
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(holdFor, "holdFor");
        evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    public Key key() {
        return new Key(detector, target, problem, subject);
    }

    /** The identity of a finding across runs. */
    public record Key(String detector, String target, Problem problem, String subject) {
    }

    public static Builder builder(String detector, String target, Problem problem, Severity severity, String subject) {
        return new Builder(detector, target, problem, severity, subject);
    }

    /** Builds a finding; detectors get one prefilled with their id and target from {@link DetectionContext#finding}. */
    public static final class Builder {
        private final String detector;
        private final String target;
        private final Problem problem;
        private final Severity severity;
        private final String subject;
        private String summary = "";
        private final Map<String, Object> evidence = new LinkedHashMap<>();
        private String hint = "";
        private Duration holdFor = Duration.ZERO;

        private Builder(String detector, String target, Problem problem, Severity severity, String subject) {
            this.detector = detector;
            this.target = target;
            this.problem = problem;
            this.severity = severity;
            this.subject = subject;
        }

        public Builder summary(String summary) {
            this.summary = Objects.requireNonNull(summary, "summary");
            return this;
        }

        /** Adds evidence; values are strings, numbers or booleans. A null value is left out. */
        public Builder evidence(String key, Object value) {
            if (value != null) {
                if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                    value = value.toString();
                }
                evidence.put(key, value);
            }
            return this;
        }

        public Builder hint(String hint) {
            this.hint = Objects.requireNonNull(hint, "hint");
            return this;
        }

        public Builder holdFor(Duration holdFor) {
            if (holdFor.isNegative()) {
                throw new IllegalArgumentException("holdFor must not be negative: " + holdFor);
            }
            this.holdFor = holdFor;
            return this;
        }

        public Finding build() {
            if (summary.isBlank()) {
                throw new IllegalStateException("finding '" + subject + "' of " + detector + " has no summary");
            }
            return new Finding(detector, target, problem, severity, subject, summary, evidence, hint, holdFor);
        }
    }
}
