package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.Ansi;
import dev.telltale.cli.internal.NagiosLine;
import dev.telltale.cli.internal.ProgressLine;
import dev.telltale.cli.internal.Redaction;
import dev.telltale.cli.internal.ReportTable;
import dev.telltale.cli.internal.ReportView;
import dev.telltale.cli.internal.RunbookLinks;
import dev.telltale.cli.internal.Session;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.TargetStates;
import dev.telltale.core.Progress;
import dev.telltale.core.Report;
import dev.telltale.core.RunRecord;
import dev.telltale.core.SettingType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Runs every applicable detector once on the targets and prints a report.",
                "Detectors that judge a change of counters sample them twice, --window apart; the others run once.",
                "With --window 0s a check is one pass, and those say 'not judged' (no failure, the status is unchanged).",
                "Each target is checked on its own: one that is down is reported as UNKNOWN and the others are checked."},
        exitCodeListHeading = "%nExit status (the first that applies, as monitoring plugins do):%n",
        exitCodeList = {"2:a CRITICAL finding is firing",
                "3:UNKNOWN, a target is down, a detector failed or timed out, a run looked at part of its subject only"
                        + " (with --strict also a skipped detector), or the check could not run at all (bad flag or"
                        + " config, no target answers)",
                "1:a WARNING finding is firing",
                "0:nothing above INFO is firing (a pending finding, seen for less than its 'for', does not count"
                        + " unless --no-hold)"})
public final class CheckCommand extends KindsCommand {
    @CommandLine.Mixin
    Options.Targets targets = new Options.Targets();

    @CommandLine.Mixin
    Options.Links links = new Options.Links();

    @Option(names = {"-f", "--format"}, defaultValue = "table", paramLabel = "FORMAT",
            description = "${COMPLETION-CANDIDATES}: table (for people, default), json (one object, for machines) or"
                    + " nagios (one line and performance data, as a monitoring plugin prints).")
    Options.Format format;

    @Option(names = "--window", defaultValue = "5s", converter = Options.DurationConverter.class,
            description = "Time between the two samples of the detectors that judge a change (default ${DEFAULT-VALUE}); 0s"
                    + " makes one pass, in which they are not judged.")
    Duration window;

    @Option(names = "--strict", description = "A skipped detector (missing privilege or extension) makes the status UNKNOWN.")
    boolean strict;

    @Option(names = "--no-hold", description = "Findings count at once, whatever their 'for' (by default a finding seen "
            + "for less than its 'for' is shown as pending and does not raise the status).")
    boolean noHold;

    @CommandLine.Mixin
    Options.Colour colour = new Options.Colour();

    public CheckCommand(TargetKinds kinds) {
        super(kinds);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        RunbookLinks runbooks = links.links();
        Progress progress = ProgressLine.forTerminal(err);
        try (Session session = openSession(progress)) {
            Report report;
            try {
                ProgressLine.tick(progress, "telltale: sampling " + session.states().size() + " target(s)" + (window.isZero()
                        ? " once" : ", counters twice " + SettingType.DURATION.format(window) + " apart"));
                report = session.engine().runOnce(window);
            } finally {
                ProgressLine.clear(progress);
            }
            Verdict result = verdict(report, session, noHold, strict);
            PrintWriter out = spec.commandLine().getOut();
            out.print(render(result, format, "window " + SettingType.DURATION.format(window), colour.forStdout(), true, runbooks));
            out.flush();
            if (result.status() == Report.Status.UNKNOWN) {
                explainUnknown(result, err);
            }
            return result.status().exitCode();
        }
    }

    /** As a plugin must, nagios format says UNKNOWN on stdout too when no target answers (the line on stderr stays). */
    private Session openSession(Progress progress) throws Exception {
        try {
            return Session.open(kinds, targets.request(), Session.Mode.CHECK, List.of(), progress);
        } catch (dev.telltale.cli.internal.CliException e) {
            if (format == Options.Format.nagios) {
                PrintWriter out = spec.commandLine().getOut();
                out.println("TELLTALE UNKNOWN - " + Redaction.message(e.getMessage()).replaceAll("\\s+", " ").replace('|', '/'));
                out.flush();
            }
            throw e;
        }
    }

    /** A one-shot report with its rows, the target states and the status they make. */
    record Verdict(Report.Status status, List<TargetStates.State> targets, List<ReportView.Row> rows, List<RunRecord> runs) {
        /**
         * Without the runs on targets that are down: they failed because the target is down, which its UNKNOWN
         * line says once (in watch, whose detectors stay built for a target that may come back).
         */
        Verdict withoutRunsOfTargetsDown() {
            java.util.Set<String> down = targets.stream().filter(t -> !t.up()).map(t -> t.target().name())
                    .collect(java.util.stream.Collectors.toSet());
            return new Verdict(status, targets, rows, runs.stream().filter(r -> !down.contains(r.target())).toList());
        }
    }

    static Verdict verdict(Report report, Session session, boolean noHold, boolean strict) {
        List<ReportView.Row> rows = ReportView.rows(noHold ? report.ignoringHold() : report);
        List<TargetStates.State> states = session.states();
        return new Verdict(ReportView.status(rows, report.runs(), states, strict), states, rows, report.runs());
    }

    static String render(Verdict o, Options.Format format, String context, Ansi ansi, boolean pretty, RunbookLinks links) {
        if (format == Options.Format.json) {
            return ReportView.jsonText(ReportView.json(o.status(), o.targets(), o.rows(), o.runs(), links), pretty) + "\n";
        }
        if (format == Options.Format.nagios) {
            return NagiosLine.render(o.status(), o.targets(), o.rows(), o.runs());
        }
        return ReportTable.render(o.status(), o.targets(), o.rows(), o.runs(), context, ansi, links);
    }

    /** One line on stderr saying why the status is UNKNOWN: targets down, runs that failed, partial or skipped runs. */
    static void explainUnknown(Verdict o, PrintWriter err) {
        List<String> why = new ArrayList<>();
        List<TargetStates.State> down = o.targets().stream().filter(t -> !t.up()).toList();
        if (!down.isEmpty()) {
            why.add(down.size() + " target(s) down, first " + down.get(0).down().orElseThrow());
        }
        List<RunRecord> failed = o.runs().stream()
                .filter(r -> r.outcome() instanceof dev.telltale.core.Outcome.Failed
                        || r.outcome() instanceof dev.telltale.core.Outcome.TimedOut).toList();
        if (!failed.isEmpty()) {
            RunRecord first = failed.get(0);
            why.add(failed.size() + " detector run(s) failed, first " + first.detector() + " on " + first.target() + ": "
                    + first.outcome().reason());
        }
        List<RunRecord> partial = o.runs().stream().filter(RunRecord::partial).toList();
        if (!partial.isEmpty()) {
            RunRecord first = partial.get(0);
            why.add(partial.size() + " run(s) looked at part of their subject, first " + first.detector() + " on "
                    + first.target() + ": " + first.coverage().orElseThrow().describe());
        }
        if (why.isEmpty()) {
            long skipped = o.runs().stream().filter(r -> r.outcome() instanceof dev.telltale.core.Outcome.Skipped).count();
            why.add(skipped + " detector(s) skipped, counted as UNKNOWN by --strict");
        }
        err.println("telltale: " + Redaction.message(String.join("; ", why)).replaceAll("\\s+", " "));
        err.flush();
    }
}
