package dev.telltale.testkit;

import dev.telltale.core.Finding;
import dev.telltale.core.Severity;
import org.assertj.core.api.AbstractAssert;

import java.util.List;
import java.util.function.Predicate;

/** What {@link DetectionAssert} and {@link ReportAssert} check alike on the findings of what they assert on. */
abstract class FindingsAssert<S extends FindingsAssert<S, A>, A> extends AbstractAssert<S, A> {

    FindingsAssert(A actual, Class<?> selfType) {
        super(actual, selfType);
    }

    /** The findings, once checked that there are findings to look at (a skipped detection has none). */
    abstract List<Finding> findings();

    /** The one finding {@code which} picks; fails, saying {@code what} was looked for, when there is none or several. */
    final FindingAssert oneFinding(Predicate<Finding> which, String what) {
        List<Finding> all = findings();
        List<Finding> matching = all.stream().filter(which).toList();
        if (matching.size() != 1) {
            failWithMessage("expected one finding %s but found %d: %s", what, matching.size(), all);
        }
        return new FindingAssert(matching.get(0));
    }

    final void noFindingAbove(Severity severity) {
        List<Finding> worse = findings().stream().filter(f -> f.severity().compareTo(severity) > 0).toList();
        if (!worse.isEmpty()) {
            failWithMessage("expected no finding above %s but found %s", severity, worse);
        }
    }
}
