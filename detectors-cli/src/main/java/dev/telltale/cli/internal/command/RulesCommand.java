package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.CliException;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.mixin.MixinOptions;
import dev.telltale.cli.internal.mixin.Monitoring;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

@Command(name = "rules", mixinStandardHelpOptions = true,
        description = {"Prints the Prometheus alerting rules for the catalogue (YAML).",
                "--output DIR writes them with their promtool tests and the Grafana dashboard instead."})
public final class RulesCommand extends KindsCommand {
    @Option(names = "--output", paramLabel = "DIR", description = "Write " + Monitoring.RULES_FILE + ", "
            + Monitoring.RULE_TESTS_FILE + " (when every --selector matcher is =) and " + Monitoring.DASHBOARD_FILE
            + " into this directory.")
    Path output;

    @Option(names = "--dashboard", description = "Print the Grafana dashboard JSON instead of the rules.")
    boolean dashboard;

    @Option(names = "--tests", description = "Print the promtool test rules file instead of the rules.")
    boolean tests;

    @Option(names = "--selector", paramLabel = "MATCHERS", defaultValue = MixinOptions.DEFAULT_SELECTOR,
            description = "PromQL label matchers every rule and the agent alerts select by (default: ${DEFAULT-VALUE}); "
                    + "'' for none.")
    String selector;

    @Option(names = "--group-by", paramLabel = "LABEL[,LABEL]", defaultValue = "",
            description = "Labels that tell deployments apart (cluster,namespace): kept by the rule that aggregates "
                    + "(agent absent) and offered as dashboard variables. Every other rule keeps all labels.")
    String groupBy;

    @Option(names = "--runbook-base-url", paramLabel = "URL", defaultValue = MixinOptions.DEFAULT_RUNBOOK_BASE_URL,
            description = "Prefix of each alert's runbook_url and the dashboard's runbook links (default: ${DEFAULT-VALUE}).")
    String runbookBaseUrl;

    public RulesCommand(TargetKinds kinds) {
        super(kinds);
    }

    @Override
    public Integer call() throws Exception {
        MixinOptions options = MixinOptions.parse(selector, groupBy, runbookBaseUrl);
        var out = spec.commandLine().getOut();
        if (output != null) {
            List<Path> written = Monitoring.write(output, kinds.specs(), options);
            boolean withTests = written.size() == 3;
            out.println("telltale: wrote " + String.join(", ", written.stream().map(Path::toString).toList())
                    + " (" + Monitoring.counts(kinds.specs(), options, withTests) + ")");
            if (!withTests) {
                out.println("telltale: no " + Monitoring.RULE_TESTS_FILE + ": tests need a value for every --selector label,"
                        + " so only = matchers");
            }
        } else if (tests) {
            out.print(Monitoring.ruleTests(kinds.specs(), options).orElseThrow(() -> new CliException(
                    "--tests: --selector '" + selector + "' has a matcher other than =, so no test series can be written")));
        } else {
            out.print(dashboard ? Monitoring.dashboard(kinds.specs(), options) : Monitoring.rules(kinds.specs(), options));
        }
        out.flush();
        return 0;
    }
}
