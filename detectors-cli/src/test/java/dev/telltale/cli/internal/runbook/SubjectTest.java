package dev.telltale.cli.internal.runbook;

import dev.telltale.cli.internal.CliException;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.TargetKinds.Listed;
import dev.telltale.core.Problem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The names explain accepts, and the one-line refusal with a suggestion for a name it does not know. */
class SubjectTest {
    private static final List<Listed> DETECTORS = TargetKinds.builtIn().listed();

    @Test
    void problemsByIdSlugAndAlertName() {
        assertThat(Subject.resolve("performance/slow-queries", DETECTORS).problems()).containsExactly(Problem.SLOW_QUERIES);
        assertThat(Subject.resolve("slow-queries", DETECTORS).problems()).containsExactly(Problem.SLOW_QUERIES);
        assertThat(Subject.resolve("TelltalePerformanceSlowQueriesCritical", DETECTORS).problems())
                .containsExactly(Problem.SLOW_QUERIES);
        assertThat(Subject.resolve("TelltaleScalabilityDatabaseHotspotsWarning", DETECTORS).problems())
                .containsExactly(Problem.SCALABILITY_HOTSPOTS);
        assertThat(Subject.resolve("slow-queries", DETECTORS).detector()).isEmpty();
    }

    @Test
    void detectorsAndFindings() {
        Subject d = Subject.resolve("postgres.lock-waits", DETECTORS);
        assertThat(d.detector().orElseThrow().detector().id()).isEqualTo("postgres.lock-waits");
        assertThat(d.problems()).containsExactly(Problem.CASCADING_FAILURES, Problem.DATABASE_DEADLOCKS);
        Subject f = Subject.resolve("postgres.lock-waits/performance/database-deadlocks", DETECTORS);
        assertThat(f.problems()).containsExactly(Problem.DATABASE_DEADLOCKS);
        assertThatThrownBy(() -> Subject.resolve("postgres.lock-waits/performance/slow-queries", DETECTORS))
                .isInstanceOf(CliException.class).hasMessageContaining("does not report performance/slow-queries");
    }

    @Test
    void anAmbiguousSlugNamesBoth() {
        assertThatThrownBy(() -> Subject.resolve("database-hotspots", DETECTORS)).isInstanceOf(CliException.class)
                .hasMessageContaining("performance/database-hotspots or scalability/database-hotspots");
    }

    @Test
    void anUnknownNameIsRefusedWithTheNearestName() {
        assertThatThrownBy(() -> Subject.resolve("slow-querys", DETECTORS)).isInstanceOf(CliException.class)
                .hasMessageContaining("'slow-querys'").hasMessageContaining("did you mean 'performance/slow-queries'?")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> Subject.resolve("postgres.lockwaits", DETECTORS))
                .hasMessageContaining("did you mean 'postgres.lock-waits'?");
        assertThatThrownBy(() -> Subject.resolve("zzzzzzzzzzzz", DETECTORS)).hasMessageNotContaining("did you mean");
    }
}
