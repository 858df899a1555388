package dev.telltale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.telltale.cli.CommandLineTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A setting scoped to one target ({@code key@target}) from {@code --set} and from telltale.yaml. The fake
 * detector reports a 42 s wait: below its default 1 min warning, above a 10 s one.
 */
class PerTargetSettingsTest {

    private static List<String> warnedTargets(CommandLineTest.Run r) throws Exception {
        JsonNode json = new ObjectMapper().readTree(r.out());
        List<String> targets = new ArrayList<>();
        json.get("findings").forEach(f -> targets.add(f.get("target").asText()));
        return targets;
    }

    @Test
    void fromSetAnOverrideAppliesToItsTargetOnly() throws Exception {
        CommandLineTest.Run r = run("check", "--postgres", "shop=fake://db/shop", "--postgres", "billing=fake://db/billing",
                "--window", "0s", "--format", "json", "--set", "postgres.waits.warning@billing=10s");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(warnedTargets(r)).containsExactly("billing");
    }

    @Test
    void fromTheConfigFileAnOverrideAppliesToItsTargetOnly(@TempDir Path dir) throws Exception {
        Path file = CommandLineTest.yaml(dir, "telltale.yaml", """
                targets:
                  postgres:
                    - shop=fake://db/shop
                    - billing=fake://db/billing
                detectors:
                  postgres.waits:
                    warning: 10s
                  postgres.waits@billing:
                    warning: 50s
                """);
        CommandLineTest.Run r = run("check", "--config", file.toString(), "--window", "0s", "--format", "json");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(warnedTargets(r)).containsExactly("shop");
    }

    @Test
    void anOverrideForATargetThatIsNotThereIsAnError() {
        CommandLineTest.Run r = run("check", "--postgres", "shop=fake://db/shop", "--window", "0s",
                "--set", "postgres.waits.warning@shpo=10s");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err().strip()).isEqualTo("telltale: --set: setting 'postgres.waits.warning@shpo' names target 'shpo', "
                + "which this run does not have; targets: shop");
    }

    @Test
    void aBadScopedValueIsNamedWithItsTarget() {
        CommandLineTest.Run r = run("check", "--postgres", "shop=fake://db/shop", "--set", "postgres.waits.warning@shop=soon");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("--set").contains("postgres.waits.warning").contains("soon").contains("target 'shop'");
    }
}
