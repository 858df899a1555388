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
 * Run by the build: copies every runbook of {@code docs/runbooks} onto the classpath, its generated section up to
 * date with the detector specs, so that telltale.jar carries them. Asked to update, it also writes those sections
 * back into {@code docs/runbooks} (a problem without a runbook gets a skeleton to fill in); otherwise a stale
 * file stays as it is, for {@code RunbooksTest} to report.
 */
public final class RunbookFiles {
    private RunbookFiles() {
    }

    /**
     * {@code args}: the repository's {@code docs/runbooks} directory, the classes directory to copy into, and
     * {@code true} to update the files under {@code docs/runbooks} too.
     */
    public static void main(String[] args) throws IOException {
        Path docs = Path.of(args[0]);
        Path classes = Path.of(args[1]).resolve(Runbooks.RESOURCE_ROOT);
        boolean update = args.length > 2 && (args[2].isEmpty() || Boolean.parseBoolean(args[2]));
        List<Listed> detectors = TargetKinds.builtIn().listed();
        for (Problem p : Problem.values()) {
            Path file = docs.resolve(p.id() + ".md");
            boolean exists = Files.exists(file);
            if (!exists && !update) {
                continue;
            }
            String text = exists ? Files.readString(file, StandardCharsets.UTF_8) : Runbooks.skeleton(p, detectors);
            String current;
            try {
                current = Runbooks.withGenerated(text, Runbooks.generated(p, detectors));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            if (update) {
                write(file, current);
            }
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
