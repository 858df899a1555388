package dev.telltale.cli.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.cli.internal.mixin.Monitoring;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed dashboard type-checks against Grafana's published dashboard model ({@code @grafana/schema}) with
 * monitoring/check-dashboard.sh, and copies broken the ways a generator bug would break it do not. CI has node and
 * npm; there their absence fails the class.
 */
class DashboardSchemaIT {
    private static final Path MONITORING = Path.of(System.getProperty("telltale.repo", "..")).resolve("monitoring");
    private static final Path SCRIPT = MONITORING.resolve("check-dashboard.sh");
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void needsNodeAndNpm() {
        if (!onPath("node") || !onPath("npm")) {
            assertThat("true".equals(System.getenv("CI"))).as("node and npm are required in CI: apt-get install -y nodejs npm").isFalse();
            assumeTrue(false, "node or npm not found on PATH; install them to type-check the dashboard against @grafana/schema");
        }
    }

    @Test
    void theCommittedDashboardMatchesGrafanasDashboardModel() throws Exception {
        Check c = check(MONITORING.resolve(Monitoring.DASHBOARD_FILE));
        assertThat(c.code()).as(c.output()).isZero();
        assertThat(c.output()).contains("matches @grafana/schema 13.2.3's Dashboard type");
    }

    @Test
    void aWronglyTypedFieldInAPanelFails(@TempDir Path dir) throws Exception {
        Check c = check(broken(dir, d -> ((ObjectNode) d.get("panels").get(1).get("gridPos")).put("x", "a")));
        assertThat(c.code()).as(c.output()).isEqualTo(1);
        assertThat(c.output()).contains("error TS2322: Type 'string' is not assignable to type 'number'");
    }

    /** tsc reports the first excess property of a literal it cannot assign, so each copy has one. */
    @Test
    void anUnknownKeyInAPanelOrDeepInItFails(@TempDir Path dir) throws Exception {
        Check panel = check(broken(dir, d -> ((ObjectNode) d.get("panels").get(1)).put("colour", "red")));
        assertThat(panel.code()).as(panel.output()).isEqualTo(1);
        assertThat(panel.output()).contains("'\"colour\"' does not exist in type 'Panel");
        Check nested = check(broken(dir, d -> ((ObjectNode) d.get("panels").get(1).get("fieldConfig").get("defaults")).put("units", "s")));
        assertThat(nested.code()).as(nested.output()).isEqualTo(1);
        assertThat(nested.output()).contains("'\"units\"' does not exist in type 'FieldConfig");
    }

    @Test
    void aLinkMissingARequiredFieldFails(@TempDir Path dir) throws Exception {
        Check c = check(broken(dir, d -> ((ObjectNode) d.get("links").get(0)).remove("keepTime")));
        assertThat(c.code()).as(c.output()).isEqualTo(1);
        assertThat(c.output()).contains("Property 'keepTime' is missing");
    }

    private static Path broken(Path dir, Consumer<ObjectNode> breakIt) throws Exception {
        ObjectNode dashboard = (ObjectNode) JSON.readTree(MONITORING.resolve(Monitoring.DASHBOARD_FILE).toFile());
        breakIt.accept(dashboard);
        Path copy = dir.resolve("broken-dashboard.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(copy.toFile(), dashboard);
        return copy;
    }

    private static Check check(Path dashboard) throws Exception {
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), dashboard.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(output).isTrue();
        return new Check(p.exitValue(), output);
    }

    private static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private record Check(int code, String output) {
    }
}
