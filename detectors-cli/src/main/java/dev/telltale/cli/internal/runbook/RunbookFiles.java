package dev.telltale.cli.internal.runbook;

import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.TargetKinds.Listed;
import dev.telltale.core.Problem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run by the build: brings the generated section of every runbook under {@code docs/runbooks} up to date with
 * the detector specs (a problem without a runbook gets a skeleton), and copies the runbooks onto the classpath
 * so that telltale.jar carries the same text.
 */
public final class RunbookFiles {
    private RunbookFiles() {
    }

    /** {@code args}: the repository's {@code docs/runbooks} directory, and the classes directory to copy into. */
    public static void main(String[] args) throws IOException {
        Path docs = Path.of(args[0]);
        Path classes = Path.of(args[1]).resolve(Runbooks.RESOURCE_ROOT);
        List<Listed> detectors = TargetKinds.builtIn().listed();
        for (Problem p : Problem.values()) {
            Path file = docs.resolve(p.id() + ".md");
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : Runbooks.skeleton(p, detectors);
            String current = Runbooks.withGenerated(text, Runbooks.generated(p, detectors));
            write(file, current);
            write(classes.resolve(p.id() + ".md"), current);
        }
    }

    private static void write(Path file, String text) throws IOException {
        if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
            return;
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
