package dev.telltale.postgres;

import dev.telltale.testkit.SpecAssertions;
import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.postgres.integrity.internal.IntegrityDetector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The static registries the CLI lists and checks settings from, against the factories the engine runs:
 * a detector missing from {@link PostgresDetectors#specs()}, or a signal or setting constant its spec
 * forgot, fails here rather than in production (where the engine refuses an undeclared signal).
 */
class PostgresDetectorsTest {

    /** Hands {@code check} every detector the factories make, on two targets that are never connected to. */
    private static void withEveryDetector(Consumer<List<Detector>> check) {
        try (PostgresTarget a = PostgresTarget.fromUrl("a", "postgresql://nobody@127.0.0.1:1/none");
             PostgresTarget b = PostgresTarget.fromUrl("b", "postgresql://nobody@127.0.0.1:2/none")) {
            List<Detector> all = new ArrayList<>(PostgresDetectors.forTarget(a));
            all.addAll(PostgresDetectors.forTopology(List.of(a, b)));
            check.accept(all);
        }
    }

    @Test
    void everyDetectorOfTheFactoriesHasItsSpecInTheRegistry() {
        withEveryDetector(all -> {
            for (Detector d : all) {
                assertThat(PostgresDetectors.specs()).as(d.id()).containsOnlyOnce(d.spec());
                assertThat(d.spec()).as(d.id()).isSameAs(SpecAssertions.declaredSpec(d.getClass()));
            }
            assertThat(PostgresDetectors.specs()).hasSameSizeAs(all);
        });
    }

    @Test
    void everySignalAndSettingConstantOfADetectorIsInItsSpec() {
        withEveryDetector(all -> all.forEach(d -> SpecAssertions.assertDeclaresAllConstants(d.getClass(), d.spec())));
        for (DetectorSpec kind : PostgresDetectors.integritySpecs()) {
            SpecAssertions.assertDeclaresAllConstants(IntegrityDetector.class, kind);
        }
    }

    @Test
    void oneIntegritySpecPerKind() {
        assertThat(PostgresDetectors.integritySpecs()).extracting(DetectorSpec::id).doesNotHaveDuplicates()
                .containsExactlyInAnyOrder("integrity.negative-values", "integrity.capacity-overflow",
                        "integrity.duplicates", "integrity.orphans", "integrity.stuck-rows", "integrity.reconciliation",
                        "integrity.row-checksum", "integrity.invariant", "integrity.replica-drift",
                        "integrity.retention-backlog", "integrity.key-skew", "integrity.sequence-gaps");
        // each kind reports its own problem by default, plus those it is commonly configured for
        assertThat(PostgresDetectors.integritySpecs()).allSatisfy(s -> assertThat(s.problems())
                .contains(dev.telltale.postgres.integrity.internal.IntegrityKinds.byId(s.id()).orElseThrow().problem()));
        assertThat(PostgresDetectors.integritySpecs()).filteredOn(s -> s.id().equals("integrity.duplicates")).singleElement()
                .satisfies(s -> assertThat(s.problems()).hasSize(3));
    }

    @Test
    void summariesAndSettingDescriptionsAreFullSentences() {
        List<DetectorSpec> specs = new ArrayList<>(PostgresDetectors.specs());
        specs.addAll(PostgresDetectors.integritySpecs());
        SpecAssertions.assertFullSentences(specs);
    }
}
