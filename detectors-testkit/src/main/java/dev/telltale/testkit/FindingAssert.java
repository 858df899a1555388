package dev.telltale.testkit;

import dev.telltale.core.Finding;
import dev.telltale.core.Problem;
import dev.telltale.core.Severity;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;

/** Assertions on one finding; failure messages show the whole finding. */
public final class FindingAssert extends AbstractAssert<FindingAssert, Finding> {

    FindingAssert(Finding actual) {
        super(actual, FindingAssert.class);
    }

    public FindingAssert hasSeverity(Severity expected) {
        isNotNull();
        if (actual.severity() != expected) {
            failWithMessage("expected severity %s but was %s in%n  %s", expected, actual.severity(), actual);
        }
        return this;
    }

    public FindingAssert hasProblem(Problem expected) {
        isNotNull();
        if (actual.problem() != expected) {
            failWithMessage("expected problem %s but was %s in%n  %s", expected.id(), actual.problem().id(), actual);
        }
        return this;
    }

    public FindingAssert hasDetector(String expected) {
        isNotNull();
        if (!actual.detector().equals(expected)) {
            failWithMessage("expected detector %s but was %s in%n  %s", expected, actual.detector(), actual);
        }
        return this;
    }

    public FindingAssert hasSubject(String expected) {
        isNotNull();
        if (!actual.subject().equals(expected)) {
            failWithMessage("expected subject <%s> but was <%s> in%n  %s", expected, actual.subject(), actual);
        }
        return this;
    }

    public FindingAssert hasSubjectContaining(String part) {
        isNotNull();
        if (!actual.subject().contains(part)) {
            failWithMessage("expected subject to contain <%s> but was <%s>", part, actual.subject());
        }
        return this;
    }

    public FindingAssert hasSummaryContaining(String part) {
        isNotNull();
        if (!actual.summary().contains(part)) {
            failWithMessage("expected summary to contain <%s> but was <%s>", part, actual.summary());
        }
        return this;
    }

    /** Evidence values compare by their text, so {@code hasEvidence("waiters", 3)} matches 3, 3L or "3". */
    public FindingAssert hasEvidence(String key, Object expected) {
        isNotNull();
        Object value = actual.evidence().get(key);
        if (value == null) {
            failWithMessage("expected evidence <%s> but the finding has only %s", key, actual.evidence().keySet());
        } else if (!String.valueOf(value).equals(String.valueOf(expected))) {
            failWithMessage("expected evidence %s=<%s> but was <%s> in%n  %s", key, expected, value, actual.evidence());
        }
        return this;
    }

    public FindingAssert hasEvidenceKey(String key) {
        isNotNull();
        if (!actual.evidence().containsKey(key)) {
            failWithMessage("expected evidence <%s> but the finding has only %s", key, actual.evidence().keySet());
        }
        return this;
    }

    public FindingAssert hasEvidenceContaining(String key, String part) {
        hasEvidenceKey(key);
        Assertions.assertThat(String.valueOf(actual.evidence().get(key))).as("evidence " + key).contains(part);
        return this;
    }

    public FindingAssert hasHint() {
        isNotNull();
        if (actual.hint().isBlank()) {
            failWithMessage("expected a hint in%n  %s", actual);
        }
        return this;
    }
}
