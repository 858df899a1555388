package dev.telltale.postgres.integrity;

import dev.telltale.postgres.integrity.internal.IntegrityKinds;
import dev.telltale.postgres.integrity.internal.IntegrityReference;
import dev.telltale.postgres.integrity.internal.KindSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** INTEGRITY.md's kinds table and settings reference are what the kinds' field tables say. */
class IntegrityReferenceTest {
    @Test
    void committedIntegrityMdIsUpToDate() throws Exception {
        String committed = Files.readString(Path.of("INTEGRITY.md"), StandardCharsets.UTF_8);
        assertThat(committed)
                .as("INTEGRITY.md differs from the kind tables; regenerate it with: " + IntegrityReference.REGENERATE)
                .isEqualTo(IntegrityReference.regenerate(committed));
    }

    @Test
    void everyKindAndEverySettingIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("INTEGRITY.md"), StandardCharsets.UTF_8);
        for (KindSpec k : IntegrityKinds.ALL) {
            assertThat(doc).contains("### `" + k.id() + "`");
            assertThat(k.hint()).as(k.id() + " hint").isNotBlank();
            assertThat(k.noun()).as(k.id() + " noun").isNotBlank();
            k.fields().forEach(f -> assertThat(doc).contains("| `" + f.key() + "` |"));
        }
    }
}
