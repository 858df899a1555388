package dev.telltale.postgres.pgbouncer;

import dev.telltale.core.Detector;
import dev.telltale.testkit.SpecAssertions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry the CLI lists against the factory, and the console URL's rules. */
class PgBouncerDetectorsTest {

    @Test
    void everyDetectorHasItsSpecAndEveryConstantIsDeclared() {
        try (PgBouncerTarget t = PgBouncerTarget.fromUrl("b", "postgresql://nobody@127.0.0.1:1/pgbouncer")) {
            List<Detector> all = PgBouncerDetectors.forTarget(t);
            assertThat(all).extracting(Detector::spec).containsExactlyElementsOf(PgBouncerDetectors.specs());
            for (Detector d : all) {
                assertThat(d.spec()).isSameAs(SpecAssertions.declaredSpec(d.getClass()));
                SpecAssertions.assertDeclaresAllConstants(d.getClass(), d.spec());
            }
        }
        SpecAssertions.assertFullSentences(PgBouncerDetectors.specs());
    }

    @Test
    void theUrlNamesTheConsoleAndHidesThePassword() {
        try (PgBouncerTarget t = PgBouncerTarget.fromUrl("b", "postgresql://stats:s3cret@pgb/pgbouncer")) {
            assertThat(t.description()).doesNotContain("s3cret").contains("pgb");
            assertThat(t.toString()).doesNotContain("s3cret");
        }
        assertThatThrownBy(() -> PgBouncerTarget.fromUrl("b", "postgresql://stats:s3cret@pgb/shop"))
                .hasMessageContaining("database 'pgbouncer'").hasMessageNotContaining("s3cret");
    }
}
