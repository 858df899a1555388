package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.Ansi;
import dev.telltale.cli.internal.RunbookLinks;
import dev.telltale.cli.internal.Screen;
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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Runs check every --interval and redraws the report in place, like top; Ctrl-C stops it.",
                "On a terminal it uses the alternate screen, shows the status line and the worst findings first, cut to"
                        + " the terminal's height, and gives the screen back on exit.",
                "Exit status: that of the last report with --count, 0 when stopped with Ctrl-C."})
public final class WatchCommand extends KindsCommand {
    @CommandLine.Mixin
    Options.Targets targets = new Options.Targets();

    @CommandLine.Mixin
    Options.Links links = new Options.Links();

    @Option(names = {"-f", "--format"}, defaultValue = "table", paramLabel = "FORMAT", completionCandidates = Options.WatchFormats.class,
            description = "${COMPLETION-CANDIDATES}: table (for people, default) or json (one object per line).")
    Options.Format format;

    @Option(names = "--window", defaultValue = "5s", converter = Options.DurationConverter.class,
            description = "Time between the two samples each report takes of the detectors that judge a change (default"
                    + " ${DEFAULT-VALUE}); with 0s they judge the change since the report before, from the third report on.")
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

    @CommandLine.Mixin
    Options.Colour colour = new Options.Colour();

    public WatchCommand(TargetKinds kinds) {
        super(kinds);
    }

    @Override
    public Integer call() throws Exception {
        if (format == Options.Format.nagios) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format: 'nagios' is for check (one report, one line); watch takes table or json");
        }
        if (count < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be 0 or more, was " + count);
        }
        Ansi ansi = colour.forStdout();
        PrintWriter out = spec.commandLine().getOut();
        boolean inPlace = format == Options.Format.table && System.console() != null;
        Thread main = Thread.currentThread();
        AtomicBoolean stopped = new AtomicBoolean();
        // Ctrl-C ends the watch as its normal end: the screen restored, the session closed, the last status... 0
        Optional<Runnable> restoreSignal = Screen.onInterrupt(() -> {
            stopped.set(true);
            main.interrupt();
        });
        Screen screen = inPlace ? Screen.open(out) : null;
        try {
            if (screen != null) {
                screen.frame(ansi.bold("telltale watch") + ": connecting and sampling (window "
                        + SettingType.DURATION.format(window) + ") ...");
            }
            return loop(out, ansi, screen);
        } catch (InterruptedException e) {
            if (!stopped.get()) {
                throw e;
            }
            return 0;
        } finally {
            if (screen != null) {
                screen.close();
            }
            restoreSignal.ifPresent(Runnable::run);
            if (stopped.get()) {
                Thread.interrupted(); // the interrupt was ours; closing the session must not see it
            }
        }
    }

    private int loop(PrintWriter out, Ansi ansi, Screen screen) throws Exception {
        RunbookLinks runbooks = links.links();
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
                } else if (screen != null) {
                    screen.frame(CheckCommand.render(report, format, context + "; Ctrl-C to stop", ansi, true, runbooks));
                } else {
                    out.print((i > 1 ? "\n" : "") + CheckCommand.render(report, format, context, ansi, true, runbooks));
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
