package dev.telltale.testkit;

import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Setting;
import dev.telltale.core.SignalSpec;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that a module's detectors describe themselves completely: each class has one
 * {@code public static final DetectorSpec SPEC} (its own or that of the spec interface it implements), every
 * setting and signal constant it or that interface declares is in that spec (a forgotten one would fail a
 * production run, not a test), and summaries and descriptions are sentences.
 */
public final class SpecAssertions {
    private SpecAssertions() {
    }

    /** The {@code SPEC} constant of a detector class. */
    public static DetectorSpec declaredSpec(Class<?> type) {
        try {
            Field f = type.getField("SPEC");
            assertThat(Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())).as(type + ".SPEC").isTrue();
            return (DetectorSpec) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(type.getName() + " declares no public static final DetectorSpec SPEC", e);
        }
    }

    /**
     * Every static {@link SignalSpec} and {@link Setting} constant {@code type} or an interface it implements
     * declares is in {@code spec}.
     */
    public static void assertDeclaresAllConstants(Class<?> type, DetectorSpec spec) {
        Set<Object> signals = new LinkedHashSet<>(spec.signals());
        Set<Object> settings = new LinkedHashSet<>(spec.settings());
        List<Field> fields = new ArrayList<>(List.of(type.getDeclaredFields()));
        for (Class<?> implemented : type.getInterfaces()) {
            fields.addAll(List.of(implemented.getDeclaredFields()));
        }
        for (Field f : fields) {
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

    /** Summaries and setting descriptions start with a capital letter and end with a full stop, as {@code list} shows them. */
    public static void assertFullSentences(Collection<DetectorSpec> specs) {
        for (DetectorSpec s : specs) {
            assertThat(s.summary()).as(s.id() + " summary").matches("[A-Z].*\\.").doesNotContain("\n");
            for (Setting<?> setting : s.settings()) {
                assertThat(setting.description()).as(s.id() + "." + setting.name()).matches("(?s)[A-Z].*\\.");
            }
        }
    }
}
