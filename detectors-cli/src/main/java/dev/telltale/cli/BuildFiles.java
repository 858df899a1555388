package dev.telltale.cli;

import dev.telltale.cli.internal.ManPage;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.command.CompletionCommand;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes, at build, what is generated from the command line's model: the man page ({@code man/telltale.1}) and
 * the shell completion scripts ({@code completion/telltale.bash}, {@code completion/_telltale.zsh}) under the
 * directory given. Not for users: the build calls it.
 */
public final class BuildFiles {
    private BuildFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: BuildFiles OUTPUT_DIR VERSION");
        }
        Path dir = Path.of(args[0]);
        CommandLine cl = Telltale.commandLine(TargetKinds.builtIn());
        write(dir.resolve("man/telltale.1"), ManPage.render(cl, args[1]));
        write(dir.resolve("completion/telltale.bash"), CompletionCommand.script(cl, CompletionCommand.Shell.bash));
        write(dir.resolve("completion/_telltale.zsh"), CompletionCommand.script(cl, CompletionCommand.Shell.zsh));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
