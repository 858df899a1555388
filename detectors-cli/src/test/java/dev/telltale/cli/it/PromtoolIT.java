package dev.telltale.cli.it;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code promtool check rules} accepts the generated rules. CI installs promtool (Debian package prometheus). */
class PromtoolIT {

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        Path promtool = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        boolean ci = "true".equals(System.getenv("CI"));
        if (promtool == null) {
            assertThat(ci).as("promtool is required in CI: apt-get install -y prometheus").isFalse();
            assumeTrue(false, "promtool not found on PATH; install it with 'apt-get install -y prometheus' to run this check");
        }
        Path rules = Path.of(System.getProperty("telltale.repo", "..")).resolve("monitoring/telltale-rules.yml");
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", rules.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS");
    }
}
