package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.CliException;
import dev.telltale.cli.internal.TargetKinds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts an embedded PostgreSQL and Redis, plays the catalogue's problems against them",
                "with real workloads, prints each detection and a scoreboard. Serves /metrics meanwhile."})
public final class DemoCommand implements Callable<Integer> {
    private final TargetKinds kinds;

    @Option(names = "--once", description = "Exit after the scoreboard (status 0 only if every scenario was detected).")
    boolean once;

    public DemoCommand(TargetKinds kinds) {
        this.kinds = kinds;
    }

    @Override
    public Integer call() {
        throw new CliException("the demo needs the PostgreSQL and Redis detectors, which this build does not have yet");
    }
}
