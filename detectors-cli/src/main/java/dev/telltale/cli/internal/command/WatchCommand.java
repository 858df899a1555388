package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.Ansi;
import dev.telltale.cli.internal.RunbookLinks;
import dev.telltale.cli.internal.Session;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.core.Progress;
import dev.telltale.core.Report;
import dev.telltale.core.SettingType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Like check, refreshed every --interval in place, like top. Ctrl-C to stop.",
                "Exit status is that of the last report."})
public final class WatchCommand implements Callable<Integer> {
    private final TargetKinds kinds;

    @CommandLine.Mixin
    Options.Targets targets = new Options.Targets();

    @CommandLine.Mixin
    Options.Links links = new Options.Links();

    @Option(names = "--format", defaultValue = "table", description = "table or json (one object per line).")
    Options.Format format;

    @Option(names = "--window", defaultValue = "5s", converter = Options.DurationConverter.class,
            description = "Time between the two samples of each report (default ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--interval", defaultValue = "10s", converter = Options.DurationConverter.class,
            description = "Pause between reports (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--count", defaultValue = "0", description = "Stop after this many reports; 0 runs until interrupted.")
    int count;

    @Option(names = "--strict", description = "A skipped detector (missing privilege or extension) makes the status UNKNOWN.")
    boolean strict;

    @Option(names = "--no-hold", description = "Findings count at once, whatever their 'for'.")
    boolean noHold;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public WatchCommand(TargetKinds kinds) {
        this.kinds = kinds;
    }

    @Override
    public Integer call() throws Exception {
        if (count < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be 0 or more, was " + count);
        }
        Ansi ansi = Ansi.forStdout();
        RunbookLinks runbooks = links.links();
        PrintWriter out = spec.commandLine().getOut();
        // like the agent: a target that is down at start does not stop the watch, and is probed again with backoff
        try (Session session = Session.open(kinds, targets.request(), Session.Mode.AGENT, List.of(), Progress.NONE)) {
            Report.Status status = Report.Status.OK;
            for (int i = 1; count == 0 || i <= count; i++) {
                CheckCommand.Verdict report = CheckCommand.verdict(session.engine().runOnce(window), session, noHold, strict)
                        .withoutRunsOfTargetsDown();
                status = report.status();
                String context = "window " + SettingType.DURATION.format(window) + "; every "
                        + SettingType.DURATION.format(interval) + "; " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS);
                if (format == Options.Format.json) {
                    out.print(CheckCommand.render(report, format, context, Ansi.OFF, false, runbooks));
                } else {
                    out.print(ansi.enabled() ? ansi.clearScreen() : (i > 1 ? "\n" : ""));
                    out.print(CheckCommand.render(report, format, context, ansi, true, runbooks));
                }
                out.flush();
                if (count != 0 && i == count) {
                    break;
                }
                Thread.sleep(interval.toMillis());
            }
            return status.exitCode();
        }
    }
}
