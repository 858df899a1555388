package dev.telltale.testkit;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.core.Signal;

import java.util.List;

/** Assertions on one run's detection: skipped or not, its findings, its signals. */
public final class DetectionAssert extends FindingsAssert<DetectionAssert, Detection> {

    DetectionAssert(Detection actual) {
        super(actual, DetectionAssert.class);
    }

    public DetectionAssert isNotSkipped() {
        isNotNull();
        if (actual.isSkipped()) {
            failWithMessage("expected a detection but it was skipped: %s", actual.skipReason().orElseThrow());
        }
        return this;
    }

    public DetectionAssert isSkippedWithReasonContaining(String part) {
        isNotNull();
        if (!actual.isSkipped()) {
            failWithMessage("expected a skipped detection but it ran and found %s", actual.findings());
        } else if (!actual.skipReason().orElseThrow().contains(part)) {
            failWithMessage("expected the skip reason to contain <%s> but was <%s>", part, actual.skipReason().orElseThrow());
        }
        return this;
    }

    @Override
    List<Finding> findings() {
        isNotSkipped();
        return actual.findings();
    }

    /** The one finding of {@code problem}; fails when there is none or several. */
    public FindingAssert hasFinding(Problem problem) {
        return oneFinding(f -> f.problem() == problem, "of " + problem.id());
    }

    /** The one finding whose subject contains {@code part}. */
    public FindingAssert hasFindingAbout(String part) {
        return oneFinding(f -> f.subject().contains(part), "about <" + part + ">");
    }

    /** Nothing worse than {@code severity}: a healthy workload raises nothing above INFO. */
    public DetectionAssert hasNoFindingAbove(Severity severity) {
        noFindingAbove(severity);
        return this;
    }

    /** The signal {@code name} (without the {@code telltale.} prefix) with these tag values has this value. */
    public DetectionAssert hasSignal(String name, double expected, String... tagValues) {
        isNotSkipped();
        List<Signal> matching = actual.signals().stream()
                .filter(s -> s.spec().name().equals(name) && s.tagValues().equals(List.of(tagValues))).toList();
        if (matching.isEmpty()) {
            failWithMessage("expected signal %s%s but the detection has %s", name, List.of(tagValues),
                    actual.signals().stream().map(s -> s.spec().name() + s.tagValues()).toList());
        } else if (Double.compare(matching.get(0).value(), expected) != 0) {
            failWithMessage("expected signal %s%s = %s but was %s", name, List.of(tagValues), expected, matching.get(0).value());
        }
        return this;
    }
}
