package dev.telltale.cli;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API boundary of every module (docs/architecture.md, section 1): public API in {@code dev.telltale.<area>},
 * internals in {@code .internal} packages, and no API type that accepts, returns, exposes or extends an
 * internal type. Read from the compiled classes of all modules on this module's classpath.
 */
class ApiBoundaryTest {
    private static final String INTERNAL = ".internal";

    static boolean internal(JavaClass c) {
        String p = c.getPackageName();
        return p.endsWith(INTERNAL) || p.contains(INTERNAL + ".");
    }

    /** An API type: public, outside an internal package, and (when nested) inside an API type. */
    static final DescribedPredicate<JavaClass> API = DescribedPredicate.describe("public API types", c ->
            c.getModifiers().contains(JavaModifier.PUBLIC) && !internal(c)
                    && c.getEnclosingClass().map(e -> e.getModifiers().contains(JavaModifier.PUBLIC) && !internal(e)).orElse(true));

    static final ArchCondition<JavaClass> EXPOSE_NO_INTERNAL_TYPE = new ArchCondition<>("expose no internal type") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
            List<String> leaks = new ArrayList<>();
            c.getRawSuperclass().filter(ApiBoundaryTest::internal)
                    .ifPresent(s -> leaks.add("extends " + s.getName()));
            c.getRawInterfaces().stream().filter(ApiBoundaryTest::internal)
                    .forEach(i -> leaks.add("implements " + i.getName()));
            for (JavaMember m : c.getMembers()) {
                if (!visible(m)) {
                    continue;
                }
                Set<JavaClass> types = new HashSet<>();
                if (m instanceof JavaCodeUnit u) {
                    types.addAll(involved(u.getReturnType()));
                    u.getParameterTypes().forEach(t -> types.addAll(involved(t)));
                } else if (m instanceof JavaField f) {
                    types.addAll(involved(f.getType()));
                }
                types.stream().filter(ApiBoundaryTest::internal).map(JavaClass::getName).sorted()
                        .forEach(t -> leaks.add(m.getFullName() + " uses " + t));
            }
            for (String leak : leaks) {
                events.add(SimpleConditionEvent.violated(c, c.getName() + ": " + leak));
            }
        }
    };

    private static boolean visible(JavaMember m) {
        Set<JavaModifier> mods = m.getModifiers();
        boolean open = !m.getOwner().getModifiers().contains(JavaModifier.FINAL);
        return !mods.contains(JavaModifier.SYNTHETIC)
                && (mods.contains(JavaModifier.PUBLIC) || (open && mods.contains(JavaModifier.PROTECTED)));
    }

    private static Set<JavaClass> involved(JavaType t) {
        return t.getAllInvolvedRawTypes();
    }

    static final ArchRule BOUNDARY = classes().that(API).should(EXPOSE_NO_INTERNAL_TYPE);

    private static JavaClasses imported(String... packages) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(packages);
    }

    @Test
    void noApiTypeExposesAnInternalOne() {
        JavaClasses classes = imported("dev.telltale");
        // guards against a vacuous pass: every module's classes were found
        assertThat(classes.stream().map(JavaClass::getPackageName).distinct())
                .contains("dev.telltale.core", "dev.telltale.postgres", "dev.telltale.redis", "dev.telltale.jvm",
                        "dev.telltale.testkit", "dev.telltale.cli");
        BOUNDARY.check(classes);
    }

    @Test
    void theRuleCatchesEachKindOfLeak() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.telltale.archfixture");
        var result = BOUNDARY.evaluate(fixture);
        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails()))
                .contains("Leaky: extends dev.telltale.archfixture.internal.Hidden")
                .contains("returnsInternal() uses dev.telltale.archfixture.internal.Hidden")
                .contains("acceptsInternal(dev.telltale.archfixture.internal.Hidden) uses")
                .contains("hidesItInAGeneric() uses dev.telltale.archfixture.internal.Hidden")
                .contains("Leaky.field uses dev.telltale.archfixture.internal.Hidden")
                .doesNotContain("fine()");
    }
}
