package dev.telltale.cli;

import dev.telltale.cli.internal.Ansi;
import dev.telltale.cli.internal.TargetKinds;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** On-call conventions of the command line, in-process over the fake kinds: nagios, colour, suggestions, completion. */
class ConventionsTest {
    /** {@code 'label'=value[unit]} as the monitoring-plugin guidelines write performance data. */
    static final Pattern PERF = Pattern.compile("'([^'=]+)'=(-?[0-9]+(?:\\.[0-9]+)?)([a-zA-Z%]*)");

    private static CommandLineTest.Run run(String... args) {
        return CommandLineTest.run(args);
    }

    @Test
    void nagiosIsOneLineWithStatusSummaryAndPerformanceDataAndTheExitCode() {
        CommandLineTest.Run r = run("check", "--postgres", "shop=fake://db/shop", "--window", "0s", "--format", "nagios",
                "--set", "postgres.waits.critical=40s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).endsWith("\n").doesNotContain("\u001b[");
        String line = r.out().strip();
        assertThat(line).doesNotContain("\n").startsWith("TELLTALE CRITICAL - 1 critical;")
                .contains("CRITICAL postgres.waits on shop: pid 4242 waits 42s for a lock held by pid 4190");
        String perf = line.substring(line.indexOf(" | ") + 3);
        Matcher m = PERF.matcher(perf);
        assertThat(m.find()).as(perf).isTrue();
        assertThat(m.group(1)).isEqualTo("shop fake.wait.longest");
        assertThat(m.group(2)).isEqualTo("42");
        assertThat(m.group(3)).isEqualTo("s");

        CommandLineTest.Run warning = run("check", "--postgres", "fake://db/x", "--window", "0s", "-f", "nagios",
                "--set", "postgres.waits.warning=30s");
        assertThat(warning.code()).isEqualTo(1);
        assertThat(warning.out()).startsWith("TELLTALE WARNING - 1 warning;");
        CommandLineTest.Run ok = run("check", "--postgres", "fake://db/x", "--window", "0s", "-f", "nagios");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).startsWith("TELLTALE OK - no findings;");
    }

    @Test
    void nagiosSaysUnknownOnStdoutWhenNoTargetAnswers() {
        CommandLineTest.Run r = run("check", "--postgres", "postgresql://alice:pw9@unreachable:5432/shop", "-f", "nagios");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).startsWith("TELLTALE UNKNOWN - ").contains("unreachable:5432").doesNotContain("pw9");
        assertThat(r.out().strip()).doesNotContain("\n");
    }

    @Test
    void watchRefusesNagiosInOneLine() {
        CommandLineTest.Run r = run("watch", "--postgres", "fake://db/x", "--format", "nagios");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err().strip()).doesNotContain("\n").contains("--format").contains("nagios");
    }

    @Test
    void colourAlwaysAndNeverSayItOutright() {
        assertThat(run("check", "--postgres", "fake://db/x", "--window", "0s", "--color=always").out()).contains("\u001b[32mOK");
        assertThat(run("check", "--postgres", "fake://db/x", "--window", "0s", "--color", "never").out()).doesNotContain("\u001b[");
        CommandLineTest.Run bad = run("check", "--postgres", "fake://db/x", "--color", "sometimes");
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err()).contains("--color").contains("sometimes");
    }

    @Test
    void autoColoursATerminalUnlessNoColorIsSetToSomethingOrTermIsDumb() {
        assertThat(Ansi.forStdout(Ansi.When.auto, Map.of("TERM", "xterm")::get, true).enabled()).isTrue();
        assertThat(Ansi.forStdout(Ansi.When.auto, Map.of("TERM", "xterm", "NO_COLOR", "")::get, true).enabled())
                .as("an empty NO_COLOR does not count").isTrue();
        assertThat(Ansi.forStdout(Ansi.When.auto, Map.of("TERM", "xterm", "NO_COLOR", "1")::get, true).enabled()).isFalse();
        assertThat(Ansi.forStdout(Ansi.When.auto, Map.of("TERM", "dumb")::get, true).enabled()).isFalse();
        assertThat(Ansi.forStdout(Ansi.When.auto, Map.of("TERM", "xterm")::get, false).enabled()).as("a pipe").isFalse();
        assertThat(Ansi.forStdout(Ansi.When.always, Map.of("NO_COLOR", "1")::get, false).enabled()).isTrue();
        assertThat(Ansi.forStdout(Ansi.When.never, Map.of("TERM", "xterm")::get, true).enabled()).isFalse();
    }

    @Test
    void aMistypedCommandOrOptionGetsTheClosestSuggestionsInOneLine() {
        CommandLineTest.Run command = run("chek");
        assertThat(command.code()).isEqualTo(3);
        assertThat(command.err().strip()).doesNotContain("\n").contains("'chek'").contains("did you mean check");
        CommandLineTest.Run option = run("check", "--postgress", "fake://db/x");
        assertThat(option.code()).isEqualTo(3);
        assertThat(option.err().strip()).doesNotContain("\n").contains("did you mean --postgres?");
    }

    @Test
    void aMistypedSettingKeyGetsTheClosestDetectorsNotAllOfThem() {
        CommandLineTest.Run r = run("check", "--postgres", "fake://db/x", "--set", "postgres.wait.warning=1s");
        assertThat(r.code()).isEqualTo(3);
        String line = r.err().strip();
        assertThat(line).doesNotContain("\n").contains("postgres.wait.warning").contains("did you mean postgres.waits or ");
        assertThat(line.split(" or ")).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void completionScriptsKnowTheCommandsOptionsAndValues() {
        CommandLineTest.Run bash = run("completion", "bash");
        assertThat(bash.code()).isZero();
        assertThat(bash.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_telltale")
                .contains("check").contains("watch").contains("--postgres").contains("--format").contains("nagios");
        CommandLineTest.Run zsh = run("completion", "zsh");
        assertThat(zsh.out()).startsWith("autoload -U +X compinit").contains("bashcompinit").contains("--redis");
        assertThat(run("completion", "fish").code()).isEqualTo(3);
    }

    @Test
    void theManPageHasEveryCommandAndOption() {
        String page = dev.telltale.cli.internal.ManPage.render(
                Telltale.commandLine(new TargetKinds(List.of(new FakeKind("postgres")), List.of())), "1.2.3");
        assertThat(page).startsWith(".TH TELLTALE 1").contains("telltale 1.2.3").contains(".SH NAME")
                .contains(".SS telltale check").contains(".SS telltale watch").contains(".SS telltale completion")
                .contains("\\-\\-postgres").contains(".SH EXIT STATUS").doesNotContain("${");
    }
}
