package dev.telltale.postgres;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Setting;
import dev.telltale.core.SignalSpec;
import dev.telltale.postgres.integrity.internal.IntegrityDetector;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The static registries the CLI lists and checks settings from, against the factories the engine runs:
 * a detector missing from {@link PostgresDetectors#specs()}, or a signal or setting constant its spec
 * forgot, fails here rather than in production (where the engine refuses an undeclared signal).
 */
class PostgresDetectorsTest {

    @Test
    void everyDetectorOfTheFactoriesHasItsSpecInTheRegistry() {
        try (PostgresTarget a = PostgresTarget.fromUrl("a", "postgresql://nobody@127.0.0.1:1/none");
             PostgresTarget b = PostgresTarget.fromUrl("b", "postgresql://nobody@127.0.0.1:2/none")) {
            List<Detector> all = new ArrayList<>(PostgresDetectors.forTarget(a));
            all.addAll(PostgresDetectors.forTopology(List.of(a, b)));
            for (Detector d : all) {
                assertThat(PostgresDetectors.specs()).as(d.id()).containsOnlyOnce(d.spec());
                assertThat(d.spec()).as(d.id()).isSameAs(declaredSpec(d.getClass()));
            }
            assertThat(PostgresDetectors.specs()).hasSameSizeAs(all);
        }
    }

    @Test
    void everySignalAndSettingConstantOfADetectorIsInItsSpec() {
        try (PostgresTarget a = PostgresTarget.fromUrl("a", "postgresql://nobody@127.0.0.1:1/none");
             PostgresTarget b = PostgresTarget.fromUrl("b", "postgresql://nobody@127.0.0.1:2/none")) {
            List<Detector> all = new ArrayList<>(PostgresDetectors.forTarget(a));
            all.addAll(PostgresDetectors.forTopology(List.of(a, b)));
            for (Detector d : all) {
                assertDeclares(d.getClass(), d.spec());
            }
        }
        for (DetectorSpec kind : PostgresDetectors.integritySpecs()) {
            assertDeclares(IntegrityDetector.class, kind);
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
        for (DetectorSpec s : specs) {
            assertThat(s.summary()).as(s.id() + " summary").matches("[A-Z].*\\.").doesNotContain("\n");
            for (Setting<?> setting : s.settings()) {
                assertThat(setting.description()).as(s.id() + "." + setting.name()).matches("(?s)[A-Z].*\\.");
            }
        }
    }

    private static DetectorSpec declaredSpec(Class<?> type) {
        try {
            Field f = type.getField("SPEC");
            assertThat(Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())).as(type + ".SPEC").isTrue();
            return (DetectorSpec) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(type.getName() + " declares no public static final DetectorSpec SPEC", e);
        }
    }

    /** Every static SignalSpec and Setting constant the class declares is in the spec. */
    private static void assertDeclares(Class<?> type, DetectorSpec spec) {
        Set<Object> signals = new LinkedHashSet<>(spec.signals());
        Set<Object> settings = new LinkedHashSet<>(spec.settings());
        for (Field f : type.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            try {
                if (SignalSpec.class.isAssignableFrom(f.getType())) {
                    assertThat(signals).as(type.getSimpleName() + "." + f.getName() + " in the signals of " + spec.id())
                            .contains(f.get(null));
                } else if (Setting.class.isAssignableFrom(f.getType())) {
                    assertThat(settings).as(type.getSimpleName() + "." + f.getName() + " in the settings of " + spec.id())
                            .contains(f.get(null));
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
    }
}
