package dev.telltale.testkit;

import dev.telltale.core.Finding;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.core.Severity;

import java.util.List;

/** Assertions on a one-shot report. */
public final class ReportAssert extends FindingsAssert<ReportAssert, Report> {

    ReportAssert(Report actual) {
        super(actual, ReportAssert.class);
    }

    public ReportAssert hasStatus(Report.Status expected) {
        isNotNull();
        if (actual.status() != expected) {
            failWithMessage("expected status %s but was %s; findings %s; runs not ok %s", expected, actual.status(),
                    actual.findings(), actual.runsNotOk());
        }
        return this;
    }

    @Override
    List<Finding> findings() {
        isNotNull();
        return actual.findings();
    }

    /** The one finding of detector {@code detectorId} whose subject contains {@code subjectPart}. */
    public FindingAssert hasFinding(String detectorId, String subjectPart) {
        return oneFinding(f -> f.detector().equals(detectorId) && f.subject().contains(subjectPart),
                "of " + detectorId + " about <" + subjectPart + ">");
    }

    public ReportAssert hasNoFindingAbove(Severity severity) {
        noFindingAbove(severity);
        return this;
    }

    /** Detector {@code detectorId} ran with outcome {@code kind} ({@code ok}, {@code error}, {@code timeout}, {@code skipped}, {@code not-applicable}). */
    public ReportAssert hasRun(String detectorId, String kind) {
        isNotNull();
        List<RunRecord> runs = actual.runs().stream().filter(r -> r.detector().equals(detectorId)).toList();
        if (runs.isEmpty()) {
            failWithMessage("expected a run of %s but the report has runs of %s", detectorId,
                    actual.runs().stream().map(RunRecord::detector).distinct().toList());
        } else if (runs.stream().noneMatch(r -> r.outcome().kind().equals(kind))) {
            failWithMessage("expected %s to end %s but it ended %s", detectorId, kind,
                    runs.stream().map(r -> r.outcome().kind() + (r.outcome().reason().isEmpty() ? "" : " (" + r.outcome().reason() + ")")).toList());
        }
        return this;
    }
}
