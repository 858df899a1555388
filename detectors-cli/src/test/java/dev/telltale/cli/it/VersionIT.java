package dev.telltale.cli.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code telltale --version} names the pom's version and the commit built, both read from the jar's manifest. */
class VersionIT {
    @Test
    void versionIsThePomsAndNamesTheCommit() throws Exception {
        String version = System.getProperty("telltale.version");
        String commit = System.getProperty("telltale.commit");
        assertThat(version).as("the build passes the pom's version").isNotBlank().doesNotContain("${");

        TelltaleJar.Result r = TelltaleJar.run(Duration.ofSeconds(60), "--version");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("telltale " + version + " (commit " + commit + ")");
        assertThat(commit).as("built from a git checkout").matches("[0-9a-f]{40}");
    }
}
