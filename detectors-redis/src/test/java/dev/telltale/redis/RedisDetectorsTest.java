package dev.telltale.redis;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Setting;
import dev.telltale.core.SignalSpec;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The static registry the CLI lists and checks settings from, against the factories the engine runs: a
 * detector missing from {@link RedisDetectors#specs()}, or a signal or setting constant its spec forgot,
 * fails here rather than in production (where the engine refuses an undeclared signal).
 */
class RedisDetectorsTest {

    @Test
    void everyDetectorOfTheFactoriesHasItsSpecInTheRegistry() {
        for (Detector d : detectors()) {
            assertThat(RedisDetectors.specs()).as(d.id()).containsOnlyOnce(d.spec());
            assertThat(d.spec()).as(d.id()).isSameAs(declaredSpec(d.getClass()));
        }
        assertThat(RedisDetectors.specs()).hasSameSizeAs(detectors());
    }

    @Test
    void everySignalAndSettingConstantOfADetectorIsInItsSpec() {
        for (Detector d : detectors()) {
            assertDeclares(d.getClass(), d.spec());
        }
    }

    @Test
    void summariesAndSettingDescriptionsAreFullSentences() {
        for (DetectorSpec s : RedisDetectors.specs()) {
            assertThat(s.summary()).as(s.id() + " summary").matches("[A-Z].*\\.").doesNotContain("\n");
            for (Setting<?> setting : s.settings()) {
                assertThat(setting.description()).as(s.id() + "." + setting.name()).matches("(?s)[A-Z].*\\.");
            }
        }
    }

    /** Targets connect lazily, so the factories build without a server. */
    private static List<Detector> detectors() {
        RedisTarget a = RedisTarget.fromUrl("a", "redis://127.0.0.1:1");
        RedisTarget b = RedisTarget.fromUrl("b", "redis://127.0.0.1:2");
        try {
            List<Detector> all = new ArrayList<>(RedisDetectors.forTarget(a));
            all.addAll(RedisDetectors.forTopology(List.of(a, b)));
            return all;
        } finally {
            a.close();
            b.close();
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
