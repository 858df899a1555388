package dev.telltale.jvm;

import dev.telltale.core.Detector;
import dev.telltale.core.DetectorSettings;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Setting;
import dev.telltale.core.SignalSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TelltaleJvm#specs()} lists every detector of the module, and each spec lists what its class declares. */
class SpecsTest {

    @Test
    void everyDetectorClassHasItsSpecInTheRegistry() throws Exception {
        List<Class<?>> detectors = detectorClasses();
        assertThat(detectors).as("detector classes found").hasSizeGreaterThanOrEqualTo(14);
        for (Class<?> c : detectors) {
            assertThat(TelltaleJvm.specs()).as(c.getName()).contains(spec(c));
        }
        assertThat(TelltaleJvm.specs()).hasSameSizeAs(detectors);
        assertThat(TelltaleJvm.specs().stream().map(DetectorSpec::id)).doesNotHaveDuplicates();
    }

    @Test
    void everySettingAndSignalConstantOfADetectorIsInItsSpec() throws Exception {
        for (Class<?> c : detectorClasses()) {
            DetectorSpec spec = spec(c);
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || !Modifier.isFinal(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                String name = c.getSimpleName() + "." + f.getName();
                if (f.getType() == SignalSpec.class) {
                    assertThat(spec.signals()).as(name).contains((SignalSpec) f.get(null));
                } else if (f.getType() == Setting.class) {
                    assertThat(spec.settings()).as(name).contains((Setting<?>) f.get(null));
                }
            }
        }
    }

    @Test
    void summariesAndSettingDescriptionsAreSentences() {
        for (DetectorSpec spec : TelltaleJvm.specs()) {
            assertThat(spec.summary()).as(spec.id() + " summary").matches("[A-Z].*\\.");
            for (Setting<?> s : spec.settings()) {
                assertThat(s.description()).as(spec.id() + "." + s.name()).matches("[A-Z].*\\.");
            }
        }
    }

    @Test
    void everyDefaultPassesItsRangesAndRules() {
        for (DetectorSpec spec : TelltaleJvm.specs()) {
            assertThat(DetectorSettings.resolve(spec, Map.of()).names()).as(spec.id()).contains("enabled", "interval", "timeout");
        }
    }

    private static DetectorSpec spec(Class<?> c) throws ReflectiveOperationException {
        Field f = c.getField("SPEC");
        assertThat(Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers()) && f.getType() == DetectorSpec.class)
                .as(c.getName() + ".SPEC is a public static final DetectorSpec").isTrue();
        return (DetectorSpec) f.get(null);
    }

    /** The concrete Detector classes compiled into this module (its class directory or jar). */
    private static List<Class<?>> detectorClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path location = Path.of(TelltaleJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            names.addAll(classNames(location));
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(location)) {
                names.addAll(classNames(jar.getPath("/")));
            }
        }
        List<Class<?>> out = new ArrayList<>();
        for (String n : names) {
            Class<?> c = Class.forName(n, false, SpecsTest.class.getClassLoader());
            if (Detector.class.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers())) {
                out.add(c);
            }
        }
        return out;
    }

    private static List<String> classNames(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> p.startsWith("dev/telltale/jvm/") && p.endsWith(".class"))
                    .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
                    .toList();
        }
    }
}
