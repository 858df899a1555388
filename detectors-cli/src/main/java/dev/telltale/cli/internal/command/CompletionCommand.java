package dev.telltale.cli.internal.command;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints a shell completion script for telltale's commands, options and their values.",
                "bash: source <(telltale completion bash), or save it as /etc/bash_completion.d/telltale.",
                "zsh: source <(telltale completion zsh) in ~/.zshrc."})
public final class CompletionCommand implements Callable<Integer> {
    /** The shells the script is for. */
    public enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}.")
    Shell shell;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.print(script(spec.root().commandLine(), shell));
        out.flush();
        return 0;
    }

    /** picocli's bash script, which zsh runs through its bash-completion emulation. */
    public static String script(CommandLine root, Shell shell) {
        String bash = AutoComplete.bash(root.getCommandName(), root);
        return shell == Shell.zsh ? "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + bash : bash;
    }
}
