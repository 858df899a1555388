package dev.telltale.cli.internal.command;

import dev.telltale.cli.internal.TargetKinds;
import picocli.CommandLine;

import java.util.concurrent.Callable;

/**
 * What every subcommand shares: the target kinds it was built with, and picocli's model of the command,
 * whose streams it prints to (the ones the command line was given, which tests capture).
 */
abstract class KindsCommand implements Callable<Integer> {
    protected final TargetKinds kinds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    KindsCommand(TargetKinds kinds) {
        this.kinds = kinds;
    }
}
