package dev.telltale.cli.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On-call conventions of telltale.jar as a process: NO_COLOR and --color, suggestions, completion that bash loads,
 * and bin/telltale called through symlinks. The target is the machine's idle PostgreSQL.
 */
class ConventionsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String POSTGRES = System.getenv().getOrDefault("TELLTALE_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres").replaceFirst("^jdbc:", "");

    private static ProcessBuilder check(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("check", "--postgres", POSTGRES, "--window", "0s"));
        args.addAll(List.of(extra));
        return TelltaleJar.command(args.toArray(String[]::new));
    }

    @Test
    void colourFollowsColorAndNoColor() throws Exception {
        ProcessBuilder plain = check();
        plain.environment().remove("NO_COLOR");
        TelltaleJar.Result piped = TelltaleJar.run(plain, TIMEOUT);
        assertThat(piped.code()).as(piped.err()).isBetween(0, 2);
        assertThat(piped.out()).as("a pipe gets no colour").doesNotContain("\u001b[");

        ProcessBuilder always = check("--color=always");
        always.environment().put("NO_COLOR", "1");
        assertThat(TelltaleJar.run(always, TIMEOUT).out()).as("--color=always wins over NO_COLOR").contains("\u001b[");

        ProcessBuilder never = check("--color", "never");
        never.environment().remove("NO_COLOR");
        assertThat(TelltaleJar.run(never, TIMEOUT).out()).doesNotContain("\u001b[");
    }

    @Test
    void mistypesGetOneLineWithSuggestionsAndNoStackTrace() throws Exception {
        TelltaleJar.Result command = TelltaleJar.run(TIMEOUT, "chek");
        assertThat(command.code()).isEqualTo(3);
        assertThat(command.err().strip()).doesNotContain("\n").contains("did you mean check");
        TelltaleJar.Result option = TelltaleJar.run(TIMEOUT, "check", "--postgress", POSTGRES);
        assertThat(option.code()).isEqualTo(3);
        assertThat(option.err().strip()).doesNotContain("\n").doesNotContain("\tat ").contains("did you mean --postgres?");
    }

    @Test
    void bashLoadsTheCompletionAndCompletesCommandsAndFormats(@TempDir Path dir) throws Exception {
        TelltaleJar.Result script = TelltaleJar.run(TIMEOUT, "completion", "bash");
        assertThat(script.code()).isZero();
        Path file = dir.resolve("telltale.bash");
        Files.writeString(file, script.out());
        // what bash offers after 'telltale ch' and after 'telltale check --format '
        String probe = "source " + file + "\n"
                + "COMP_WORDS=(telltale ch); COMP_CWORD=1; COMP_LINE='telltale ch'; COMP_POINT=${#COMP_LINE}; _complete_telltale;"
                + " echo \"commands: ${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(telltale check --format ''); COMP_CWORD=3; COMP_LINE='telltale check --format '; COMP_POINT=${#COMP_LINE};"
                + " _complete_telltale; echo \"formats: ${COMPREPLY[*]}\"\n";
        TelltaleJar.Result bash = TelltaleJar.run(new ProcessBuilder("bash", "-c", probe), TIMEOUT);
        assertThat(bash.code()).as(bash.err()).isZero();
        assertThat(bash.out()).contains("commands: check").contains("formats: table json nagios");
    }

    @Test
    void theLauncherWorksThroughSymlinks(@TempDir Path dir) throws Exception {
        Path launcher = Path.of(System.getProperty("telltale.repo", "..")).resolve("bin/telltale").toAbsolutePath().normalize();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path direct = Files.createSymbolicLink(bin.resolve("telltale"), launcher);
        // a relative link to the link, as 'ln -s ../bin/telltale' makes
        Path other = Files.createDirectories(dir.resolve("usr/local/bin"));
        Path chained = Files.createSymbolicLink(other.resolve("tt"), other.relativize(direct));
        for (Path link : List.of(direct, chained)) {
            ProcessBuilder pb = new ProcessBuilder(link.toString(), "--version");
            pb.environment().remove("TELLTALE_JAR");
            pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
            TelltaleJar.Result r = TelltaleJar.run(pb, TIMEOUT);
            assertThat(r.code()).as(link + ": " + r.err()).isZero();
            assertThat(r.out()).startsWith("telltale " + System.getProperty("telltale.version", ""));
        }
    }
}
