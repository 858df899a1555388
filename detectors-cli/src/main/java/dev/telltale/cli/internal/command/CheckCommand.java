package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.Ansi;
import dev.telltale.cli.internal.ReportView;
import dev.telltale.cli.internal.Session;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.Redaction;
import dev.telltale.core.Outcome;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.core.SettingType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Runs every applicable detector once on the targets and prints a report.",
                "Counters are sampled twice, --window apart, so rate-based detectors work in one shot."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no finding above INFO", "1:a WARNING finding", "2:a CRITICAL finding",
                "3:the check could not run (unreachable target, bad flag or config, a detector failed)"})
public final class CheckCommand implements Callable<Integer> {
    private final TargetKinds kinds;

    @CommandLine.Mixin
    Options.Targets targets = new Options.Targets();

    @Option(names = "--format", defaultValue = "table", description = "table (for people) or json (one object, for machines).")
    Options.Format format;

    @Option(names = "--window", defaultValue = "5s", converter = Options.DurationConverter.class,
            description = "Time between the two samples (default ${DEFAULT-VALUE}).")
    Duration window;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public CheckCommand(TargetKinds kinds) {
        this.kinds = kinds;
    }

    @Override
    public Integer call() throws Exception {
        try (Session session = Session.open(kinds, targets.request(), List.of())) {
            Report report = session.engine().runOnce(window);
            PrintWriter out = spec.commandLine().getOut();
            out.print(render(report, session, format, "window " + SettingType.DURATION.format(window), Ansi.forStdout(), true));
            out.flush();
            Report.Status status = report.status();
            if (status == Report.Status.UNKNOWN) {
                explainUnknown(report.runs(), spec.commandLine().getErr());
            }
            return status.exitCode();
        }
    }

    static String render(Report report, Session session, Options.Format format, String context, Ansi ansi,
                         boolean pretty) {
        List<ReportView.Row> rows = ReportView.rows(report);
        if (format == Options.Format.json) {
            return ReportView.jsonText(ReportView.json(report.status(), session.targets(), rows, report.runs()), pretty) + "\n";
        }
        return ReportView.table(report.status(), session.targets(), rows, report.runs(), context, ansi);
    }

    /** One line on stderr: which detector runs failed, so that exit status 3 says why. */
    static void explainUnknown(List<RunRecord> runs, PrintWriter err) {
        List<RunRecord> failed = runs.stream()
                .filter(r -> r.outcome() instanceof Outcome.Failed || r.outcome() instanceof Outcome.TimedOut).toList();
        RunRecord first = failed.get(0);
        err.println("telltale: " + failed.size() + " detector run(s) failed, first " + first.detector() + " on "
                + first.target() + ": " + Redaction.message(first.outcome().reason()));
        err.flush();
    }
}
