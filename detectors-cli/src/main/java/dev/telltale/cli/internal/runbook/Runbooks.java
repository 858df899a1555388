package dev.telltale.cli.internal.runbook;

import dev.telltale.cli.internal.TargetKinds.Listed;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.SettingType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The runbook of each problem: {@code docs/runbooks/<category>/<problem>.md} in the repository, packaged into
 * telltale.jar by the build. Its last section, the detectors and settings that feed the problem, is generated
 * from the detector specs between two markers; the rest is written by hand.
 */
public final class Runbooks {
    /** Where the build puts the runbooks on the classpath. */
    public static final String RESOURCE_ROOT = "dev/telltale/cli/runbooks/";
    public static final String BEGIN = "<!-- BEGIN GENERATED from the detector specs; regenerate with: "
            + "mvn -pl detectors-cli -am process-classes -Drunbooks.update -->";
    public static final String END = "<!-- END GENERATED -->";
    /** The sections every runbook has, in this order; the last one holds the generated part. */
    public static final List<String> SECTIONS = List.of("What the alert means", "Confirm it", "Stop the damage",
            "Fix it for good", "Why the obvious fix fails at scale", "Detectors and settings");
    /** Settings every detector has; the generated section leaves them out to stay short. */
    private static final Set<String> COMMON = Set.of("enabled", "interval", "timeout");

    private Runbooks() {
    }

    /** The packaged runbook of {@code problem}, if this build has one. */
    public static Optional<String> read(Problem problem) {
        String name = RESOURCE_ROOT + problem.id() + ".md";
        try (InputStream in = Runbooks.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /** The detectors that report {@code problem}, as the generated section shows them, markers included. */
    public static String generated(Problem problem, List<Listed> detectors) {
        List<Listed> feeding = detectors.stream().filter(l -> l.detector().problems().contains(problem)).toList();
        StringBuilder s = new StringBuilder(BEGIN).append('\n');
        if (feeding.isEmpty()) {
            return s.append("No detector in this build reports this problem.\n").append(END).toString();
        }
        s.append("| detector | runs | every | what it watches |\n|---|---|---|---|\n");
        for (Listed l : feeding) {
            DetectorSpec d = l.detector();
            s.append("| `").append(d.id()).append("` | ").append(l.where()).append(" | ")
                    .append(SettingType.DURATION.format(d.defaultInterval())).append(" | ")
                    .append(d.summary().replace("|", "\\|")).append(" |\n");
        }
        s.append("\nSettings and their defaults (`telltale explain <detector>` describes each):\n\n");
        for (Listed l : feeding) {
            DetectorSpec d = l.detector();
            String settings = d.allSettings().stream().filter(x -> !COMMON.contains(x.name()))
                    .map(x -> "`" + x.name() + "` " + display(x)).collect(Collectors.joining(", "));
            s.append("- `").append(d.id()).append("`: ").append(settings.isEmpty() ? "no settings of its own" : settings)
                    .append('\n');
        }
        return s.append(END).toString();
    }

    private static String display(Setting<?> s) {
        String text = s.defaultText();
        return text.isEmpty() ? "(none)" : text;
    }

    /**
     * {@code runbook} with its generated section replaced by {@code section}.
     *
     * @throws IllegalArgumentException when the markers are missing or out of order
     */
    public static String withGenerated(String runbook, String section) {
        int begin = runbook.indexOf(BEGIN);
        int end = runbook.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the runbook has no generated section (" + BEGIN + " ... " + END + ")");
        }
        return runbook.substring(0, begin) + section + runbook.substring(end + END.length());
    }

    /** A new runbook's structure, for a problem that has none yet: the sections, to be written by hand. */
    public static String skeleton(Problem problem, List<Listed> detectors) {
        StringBuilder s = new StringBuilder("# ").append(problem.title()).append("\n\n`").append(problem.id())
                .append("`: ").append(problem.summary()).append("\n");
        for (String section : SECTIONS.subList(0, SECTIONS.size() - 1)) {
            s.append("\n## ").append(section).append("\n\nTODO\n");
        }
        return s.append("\n## ").append(SECTIONS.get(SECTIONS.size() - 1)).append("\n\n")
                .append(generated(problem, detectors)).append('\n').toString();
    }
}
