package dev.telltale.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a detector is, independent of any target: its id, the problems it reports, its default interval,
 * its settings (with their ranges and the rules between them) and the signals it publishes. Each detector
 * class declares one as a constant; {@code telltale list}, the alert rules, the dashboard, the settings
 * check and the generated docs read specs, never detector instances.
 */
public final class DetectorSpec {
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+");
    private static final Set<String> COMMON = Set.of("enabled", "interval", "timeout");

    private final String id;
    private final String summary;
    private final Set<Problem> problems;
    private final Duration defaultInterval;
    private final List<Setting<?>> settings;
    private final List<SettingRule> rules;
    private final List<SignalSpec> signals;
    private final List<Setting<?>> allSettings;
    private final Optional<Delta> delta;

    /**
     * What a detector judges from the change between two samples of a counter: a one-shot report samples such a
     * detector twice, {@code window} apart, and every other detector once; with no window it says what it could not
     * judge instead of reporting nothing as if all were well.
     *
     * @param judges  what only the change shows, as a phrase that completes "not judged: no window for ..." (such as
     *                "deadlocks since the previous sample")
     * @param partial true when the detector also judges from one sample (it then runs once with no window, and only
     *                its delta part is not judged); false when every verdict needs two samples (with no window it
     *                does not run)
     */
    public record Delta(String judges, boolean partial) {
        public Delta {
            if (judges == null || judges.isBlank()) {
                throw new IllegalArgumentException("a delta detector says what only the change between two samples shows");
            }
        }

        /** The note or reason of a report that had no window for this. */
        public String notJudged() {
            return "not judged: no window for " + judges + "; give --window, such as 5s";
        }
    }

    private DetectorSpec(Builder b) {
        this.id = b.id;
        this.summary = b.summary;
        this.problems = Collections.unmodifiableSet(EnumSet.copyOf(b.problems));
        this.defaultInterval = b.defaultInterval;
        this.settings = List.copyOf(b.settings);
        this.rules = List.copyOf(b.rules);
        this.signals = List.copyOf(b.signals);
        List<Setting<?>> all = new ArrayList<>();
        all.add(DetectorSettings.ENABLED);
        all.add(DetectorSettings.interval(defaultInterval));
        all.add(b.defaultTimeout == null ? DetectorSettings.TIMEOUT : DetectorSettings.timeout(b.defaultTimeout));
        all.addAll(settings);
        this.allSettings = List.copyOf(all);
        this.delta = Optional.ofNullable(b.delta);
    }

    /** Starts a spec; {@code id} is {@code <area>.<name>}, for example {@code postgres.lock-waits}. */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** {@code <area>.<name>}; the prefix of its setting keys and the {@code detector} tag. */
    public String id() {
        return id;
    }

    /** One sentence: what the detector looks at. */
    public String summary() {
        return summary;
    }

    public Set<Problem> problems() {
        return problems;
    }

    public Duration defaultInterval() {
        return defaultInterval;
    }

    /** The detector's own settings, without the common ones. */
    public List<Setting<?>> settings() {
        return settings;
    }

    /** The common settings ({@code enabled}, {@code interval}, {@code timeout}) followed by the detector's own. */
    public List<Setting<?>> allSettings() {
        return allSettings;
    }

    public List<SettingRule> rules() {
        return rules;
    }

    public List<SignalSpec> signals() {
        return signals;
    }

    /** Present when some or all of the detector's verdicts come from the change between two samples ({@link Delta}). */
    public Optional<Delta> delta() {
        return delta;
    }

    /**
     * Checks that a run published only declared signals. A signal missing from the spec would be a gauge
     * that no dashboard, doc or rule knows of.
     *
     * @throws IllegalStateException naming the signal
     */
    public void checkSignals(Detection detection) {
        for (Signal s : detection.signals()) {
            if (!signals.contains(s.spec())) {
                throw new IllegalStateException("detector " + id + " published signal '" + s.spec().name()
                        + "' that its spec does not declare");
            }
        }
    }

    /** Checks that every finding of a run carries this detector's id and one of its problems. */
    public void checkFindings(Detection detection, String target) {
        for (Finding f : detection.findings()) {
            if (!f.detector().equals(id) || !f.target().equals(target)) {
                throw new IllegalStateException("detector " + id + " on " + target + " returned a finding of "
                        + f.detector() + " on " + f.target());
            }
            if (!problems.contains(f.problem())) {
                throw new IllegalStateException("detector " + id + " reported problem " + f.problem().id()
                        + " that its spec does not declare");
            }
        }
    }

    @Override
    public String toString() {
        return id;
    }

    public static final class Builder {
        private final String id;
        private String summary = "";
        private final Set<Problem> problems = new LinkedHashSet<>();
        private Duration defaultInterval;
        private Duration defaultTimeout;
        private final List<Setting<?>> settings = new ArrayList<>();
        private final List<SettingRule> rules = new ArrayList<>();
        private final List<SignalSpec> signals = new ArrayList<>();
        private Delta delta;

        private Builder(String id) {
            this.id = Objects.requireNonNull(id, "id");
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException("detector id '" + id + "' must be '<area>.<name>' in lowercase words, such as 'postgres.lock-waits'");
            }
        }

        public Builder summary(String summary) {
            this.summary = Objects.requireNonNull(summary, "summary");
            return this;
        }

        public Builder problems(Problem... problems) {
            this.problems.addAll(Arrays.asList(problems));
            return this;
        }

        public Builder problems(Set<Problem> problems) {
            this.problems.addAll(problems);
            return this;
        }

        public Builder interval(Duration defaultInterval) {
            this.defaultInterval = Objects.requireNonNull(defaultInterval, "defaultInterval");
            return this;
        }

        /**
         * A default deadline other than the common 10 s, for a detector whose one-shot runs walk a whole
         * keyspace within a budget of their own.
         */
        public Builder timeout(Duration defaultTimeout) {
            if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
                throw new IllegalArgumentException("detector " + id + " needs a default timeout above 0");
            }
            this.defaultTimeout = defaultTimeout;
            return this;
        }

        public Builder settings(Setting<?>... settings) {
            return settings(Arrays.asList(settings));
        }

        public Builder settings(List<? extends Setting<?>> settings) {
            this.settings.addAll(settings);
            return this;
        }

        public Builder rule(SettingRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        public Builder signals(SignalSpec... signals) {
            return signals(Arrays.asList(signals));
        }

        public Builder signals(List<SignalSpec> signals) {
            this.signals.addAll(signals);
            return this;
        }

        /** Every verdict of the detector comes from the change between two samples; see {@link Delta}. */
        public Builder delta(String judges) {
            this.delta = new Delta(judges, false);
            return this;
        }

        /** Part of the detector's verdicts (what {@code judges} names) comes from the change between two samples. */
        public Builder partialDelta(String judges) {
            this.delta = new Delta(judges, true);
            return this;
        }

        public DetectorSpec build() {
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("detector " + id + " reports no problem");
            }
            if (defaultInterval == null || defaultInterval.isNegative() || defaultInterval.isZero()) {
                throw new IllegalArgumentException("detector " + id + " needs a default interval above 0");
            }
            Set<String> names = new HashSet<>();
            for (Setting<?> s : settings) {
                if (COMMON.contains(s.name()) || !names.add(s.name())) {
                    throw new IllegalArgumentException("detector " + id + " declares setting '" + s.name()
                            + "' twice (enabled, interval and timeout are every detector's)");
                }
            }
            for (SettingRule r : rules) {
                for (Setting<?> s : r.settings()) {
                    if (!settings.contains(s)) {
                        throw new IllegalArgumentException("detector " + id + ": rule " + r.describe()
                                + " names setting '" + s.name() + "' that the spec does not declare");
                    }
                }
            }
            Set<String> signalNames = new HashSet<>();
            for (SignalSpec s : signals) {
                if (!signalNames.add(s.name())) {
                    throw new IllegalArgumentException("detector " + id + " declares signal '" + s.name() + "' twice");
                }
            }
            return new DetectorSpec(this);
        }
    }
}
