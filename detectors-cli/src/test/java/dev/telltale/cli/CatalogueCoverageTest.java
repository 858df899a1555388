package dev.telltale.cli;

import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.mixin.Monitoring;
import dev.telltale.core.Problem;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every one of the 35 catalogue problems has at least one detector in telltale.jar. */
class CatalogueCoverageTest {

    @Test
    void everyProblemHasADetectorOnTheClasspath() {
        Map<Problem, Set<String>> served = Monitoring.detectorsByProblem(TargetKinds.builtIn().specs());
        assertThat(Problem.values()).hasSize(35);
        assertThat(Arrays.stream(Problem.values()).filter(p -> !served.containsKey(p)).map(Problem::id).toList())
                .as("problems without a detector in telltale.jar").isEmpty();
    }
}
