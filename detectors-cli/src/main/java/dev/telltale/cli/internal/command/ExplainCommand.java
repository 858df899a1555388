package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.CliException;
import dev.telltale.cli.internal.RunbookLinks;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.TargetKinds.Listed;
import dev.telltale.cli.internal.runbook.Runbooks;
import dev.telltale.cli.internal.runbook.Subject;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.SettingRule;
import dev.telltale.core.SettingType;
import dev.telltale.core.SignalSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Prints the runbook of a problem: what the alert means, how to confirm it, what to do now, how to "
                + "fix it for good. For a detector, first its settings with their defaults and its signals.",
                "NAME is a problem (performance/slow-queries, or slow-queries), a detector (postgres.lock-waits), a "
                        + "finding's detector/problem (postgres.lock-waits/performance/database-deadlocks) or an alert's "
                        + "name (TelltalePerformanceSlowQueriesCritical)."})
public final class ExplainCommand extends KindsCommand {
    @Parameters(paramLabel = "NAME", description = "A problem, detector, finding (detector/problem) or alert name.")
    String name;

    @CommandLine.Mixin
    Options.Links links = new Options.Links();

    public ExplainCommand(TargetKinds kinds) {
        super(kinds);
    }

    @Override
    public Integer call() {
        RunbookLinks runbooks = links.links();
        List<Listed> detectors = kinds.listed();
        Subject subject = Subject.resolve(name, detectors);
        PrintWriter out = spec.commandLine().getOut();
        subject.detector().ifPresent(d -> out.print(detector(d)));
        for (Problem p : subject.problems()) {
            String text = Runbooks.read(p).orElseThrow(() -> new CliException("explain: this build has no runbook for "
                    + p.id() + " (" + runbooks.of(p) + ")"));
            out.print((subject.detector().isPresent() ? "\n" : "") + text.stripTrailing() + "\n\nOnline: " + runbooks.of(p) + "\n");
        }
        out.flush();
        return 0;
    }

    /** The detector's identity, settings (with defaults and the rules between them) and signals. */
    static String detector(Listed l) {
        DetectorSpec d = l.detector();
        StringBuilder s = new StringBuilder(d.id()).append("  [").append(l.where()).append("; every ")
                .append(SettingType.DURATION.format(d.defaultInterval())).append("]\n");
        s.append("  ").append(d.summary()).append('\n');
        s.append("  problems: ").append(String.join(", ", d.problems().stream().map(Problem::id).sorted().toList())).append("\n\n");
        s.append("SETTINGS (key, default, unit, description; set with --set KEY=VALUE or in telltale.yaml)\n")
                .append(ListCommand.settings(d));
        for (SettingRule r : d.rules()) {
            s.append("  rule: ").append(r.describe()).append('\n');
        }
        s.append("\nSIGNALS (gauge, unit, tags besides target, description)\n");
        if (d.signals().isEmpty()) {
            s.append("  (none)\n");
        }
        for (SignalSpec sig : d.signals()) {
            s.append(String.format("  %-50s %-10s %-20s %s%n", sig.meterName(), sig.baseUnit(),
                    sig.tagKeys().isEmpty() ? "-" : String.join(",", sig.tagKeys()), sig.description()));
        }
        return s.append("\n").append("=".repeat(100)).append('\n').toString();
    }
}
