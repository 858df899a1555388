package dev.telltale.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.telltale.core.Detector;
import dev.telltale.postgres.PostgresTarget;
import dev.telltale.postgres.integrity.IntegrityConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written telltale.yaml example in INTEGRITY.md is read by the same reader as the file, without an error. */
class IntegrityExampleTest {
    @Test
    void theIntegrityMdExampleLoadsEveryKind() throws Exception {
        Path doc = Path.of(System.getProperty("telltale.repo", "..")).resolve("detectors-postgres/INTEGRITY.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int start = text.indexOf("```yaml\nintegrity:");
        assertThat(start).as("the integrity: example in " + doc).isNotNegative();
        String yaml = text.substring(start + "```yaml\n".length(), text.indexOf("```", start + 7));
        Map<?, ?> parsed = new ObjectMapper(new YAMLFactory()).readValue(yaml, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, ?> section = (Map<String, ?>) parsed.get("integrity");
        // targets connect on first use: these never do
        try (PostgresTarget db = PostgresTarget.fromUrl("orders-db", "postgresql://app@127.0.0.1:1/app");
             PostgresTarget replica = PostgresTarget.fromUrl("orders-db-replica", "postgresql://app@127.0.0.1:2/app")) {
            List<Detector> detectors = IntegrityConfig.fromMap(db, section,
                    n -> n.equals(replica.name()) ? Optional.of(replica) : Optional.empty()).detectors();
            assertThat(detectors).hasSize(12);
        }
    }
}
