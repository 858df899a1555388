package dev.telltale.cli;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No two packages of the command line depend on each other, directly or around a circle: read from the
 * compiled classes, so fully qualified names in code count as much as imports.
 */
class PackageCyclesTest {
    private static final String ROOT = "dev.telltale.cli";

    /** Every package its own slice, the root package included (a {@code cli.(**)} pattern would leave it out). */
    private static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            return p.equals(ROOT) || p.startsWith(ROOT + ".") ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the packages of " + ROOT;
        }
    };

    @Test
    void packagesAreFreeOfCycles() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
        // guards against a vacuous pass: the import found the command line's packages
        assertThat(classes.stream().map(JavaClass::getPackageName).distinct())
                .contains(ROOT, ROOT + ".internal", ROOT + ".internal.command", ROOT + ".internal.demo");
        slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles().check(classes);
    }
}
