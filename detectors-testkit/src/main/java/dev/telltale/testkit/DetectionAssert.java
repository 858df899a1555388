package dev.telltale.testkit;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import dev.telltale.core.Signal;
import org.assertj.core.api.AbstractAssert;

import java.util.List;

/** Assertions on one run's detection: skipped or not, its findings, its signals. */
public final class DetectionAssert extends AbstractAssert<DetectionAssert, Detection> {

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

    /** The one finding of {@code problem}; fails when there is none or several. */
    public FindingAssert hasFinding(Problem problem) {
        isNotSkipped();
        List<Finding> matching = actual.findings().stream().filter(f -> f.problem() == problem).toList();
        if (matching.size() != 1) {
            failWithMessage("expected one finding of %s but found %d: %s", problem.id(), matching.size(), actual.findings());
        }
        return new FindingAssert(matching.get(0));
    }

    /** The one finding whose subject contains {@code part}. */
    public FindingAssert hasFindingAbout(String part) {
        isNotSkipped();
        List<Finding> matching = actual.findings().stream().filter(f -> f.subject().contains(part)).toList();
        if (matching.size() != 1) {
            failWithMessage("expected one finding about <%s> but found %d: %s", part, matching.size(), actual.findings());
        }
        return new FindingAssert(matching.get(0));
    }

    /** Nothing worse than {@code severity}: a healthy workload raises nothing above INFO. */
    public DetectionAssert hasNoFindingAbove(Severity severity) {
        isNotSkipped();
        List<Finding> worse = actual.findings().stream().filter(f -> f.severity().compareTo(severity) > 0).toList();
        if (!worse.isEmpty()) {
            failWithMessage("expected no finding above %s but found %s", severity, worse);
        }
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
