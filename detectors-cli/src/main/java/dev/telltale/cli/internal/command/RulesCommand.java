package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.Monitoring;
import dev.telltale.cli.internal.TargetKinds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "rules", mixinStandardHelpOptions = true,
        description = {"Prints the Prometheus alerting rules for the catalogue (YAML).",
                "--output DIR writes them with the Grafana dashboard instead."})
public final class RulesCommand implements Callable<Integer> {
    private final TargetKinds kinds;

    @Option(names = "--output", paramLabel = "DIR", description = "Write " + Monitoring.RULES_FILE + " and "
            + Monitoring.DASHBOARD_FILE + " into this directory.")
    Path output;

    @Option(names = "--dashboard", description = "Print the Grafana dashboard JSON instead of the rules.")
    boolean dashboard;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public RulesCommand(TargetKinds kinds) {
        this.kinds = kinds;
    }

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        if (output != null) {
            Monitoring.write(output, kinds.specs());
            out.println("telltale: wrote " + output.resolve(Monitoring.RULES_FILE) + " and " + output.resolve(Monitoring.DASHBOARD_FILE));
        } else {
            out.print(dashboard ? Monitoring.dashboard() : Monitoring.rules(kinds.specs()));
        }
        out.flush();
        return 0;
    }
}
