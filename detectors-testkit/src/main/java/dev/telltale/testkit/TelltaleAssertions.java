package dev.telltale.testkit;

import dev.telltale.core.Detection;
import dev.telltale.core.Finding;
import dev.telltale.core.Report;

/**
 * AssertJ entry points for findings, detections and reports:
 * <pre>{@code
 * assertThat(detection).hasFinding(Problem.DATABASE_DEADLOCKS)
 *         .hasSeverity(Severity.WARNING).hasSubjectContaining("blocked by pid").hasEvidence("relation", "public.orders");
 * assertThat(report).hasNoFindingAbove(Severity.INFO).hasRun("postgres.connections", "ok");
 * }</pre>
 */
public final class TelltaleAssertions {
    private TelltaleAssertions() {
    }

    public static FindingAssert assertThat(Finding finding) {
        return new FindingAssert(finding);
    }

    public static DetectionAssert assertThat(Detection detection) {
        return new DetectionAssert(detection);
    }

    public static ReportAssert assertThat(Report report) {
        return new ReportAssert(report);
    }
}
