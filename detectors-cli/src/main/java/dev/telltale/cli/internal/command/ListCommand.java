package dev.telltale.cli.internal.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.cli.internal.TargetKinds;
import dev.telltale.cli.internal.TargetKinds.Listed;
import dev.telltale.core.Category;
import dev.telltale.core.DetectorSpec;
import dev.telltale.core.Problem;
import dev.telltale.core.Setting;
import dev.telltale.core.SettingType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists every problem with its detectors, and every detector with its settings, defaults and units.")
public final class ListCommand extends KindsCommand {
    @Option(names = {"-f", "--format"}, defaultValue = "table", paramLabel = "FORMAT", completionCandidates = Options.WatchFormats.class,
            description = "${COMPLETION-CANDIDATES}.")
    Options.Format format;

    @Option(names = "--markdown", description = "Print the problem -> detector table in Markdown (for a README), each problem linked to its runbook.")
    boolean markdown;

    public ListCommand(TargetKinds kinds) {
        super(kinds);
    }

    @Override
    public Integer call() throws Exception {
        List<Listed> entries = kinds.listed();
        PrintWriter out = spec.commandLine().getOut();
        if (markdown) {
            out.print(markdown(entries));
        } else if (format == Options.Format.json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json(entries)));
        } else {
            out.print(table(entries));
        }
        out.flush();
        return 0;
    }

    static String table(List<Listed> entries) {
        StringBuilder s = new StringBuilder();
        s.append("PROBLEMS (").append(Problem.values().length).append(")\n");
        for (Category c : Category.values()) {
            s.append('\n').append(c.title()).append('\n');
            for (Problem p : Problem.values()) {
                if (p.category() != c) {
                    continue;
                }
                List<String> ids = entries.stream().filter(e -> e.detector().problems().contains(p))
                        .map(e -> e.detector().id()).sorted().toList();
                s.append(String.format("  %-45s %s%n", p.id(), p.title()));
                s.append("  ").append(" ".repeat(45)).append(" detectors: ")
                        .append(ids.isEmpty() ? "(none in this build)" : String.join(", ", ids)).append('\n');
            }
        }
        s.append("\nDETECTORS (").append(entries.size()).append(")\n");
        for (Listed e : entries) {
            DetectorSpec d = e.detector();
            s.append('\n').append(d.id()).append("  [").append(e.where()).append("; every ")
                    .append(SettingType.DURATION.format(d.defaultInterval())).append("]\n");
            s.append("  problems: ").append(String.join(", ", d.problems().stream().map(Problem::id).sorted().toList())).append('\n');
            s.append(settings(d));
        }
        return s.toString();
    }

    /** One line per setting of {@code d}: its full key, default, unit and description. */
    static String settings(DetectorSpec d) {
        StringBuilder s = new StringBuilder();
        for (Setting<?> setting : d.allSettings()) {
            s.append(String.format("  %-50s %-10s %-9s %s%n", d.id() + "." + setting.name(), setting.defaultText(),
                    setting.type().unit(), setting.description()));
        }
        return s.toString();
    }

    static String markdown(List<Listed> entries) {
        StringBuilder s = new StringBuilder("| problem | what goes wrong | detectors |\n|---|---|---|\n");
        for (Problem p : Problem.values()) {
            List<String> ids = entries.stream().filter(e -> e.detector().problems().contains(p))
                    .map(e -> "`" + e.detector().id() + "`").sorted().toList();
            s.append("| [`").append(p.id()).append("`](").append(p.runbookPath()).append(") | ").append(p.summary()).append(" | ")
                    .append(ids.isEmpty() ? "(none yet)" : String.join(", ", ids)).append(" |\n");
        }
        return s.toString();
    }

    static ObjectNode json(List<Listed> entries) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        ArrayNode problems = root.putArray("problems");
        for (Problem p : Problem.values()) {
            ObjectNode o = problems.addObject();
            o.put("id", p.id()).put("category", p.category().id()).put("title", p.title()).put("summary", p.summary());
            ArrayNode ds = o.putArray("detectors");
            entries.stream().filter(e -> e.detector().problems().contains(p)).map(e -> e.detector().id()).sorted().forEach(ds::add);
        }
        ArrayNode detectors = root.putArray("detectors");
        for (Listed e : entries) {
            DetectorSpec d = e.detector();
            ObjectNode o = detectors.addObject();
            o.put("id", d.id()).put("where", e.where()).put("interval", SettingType.DURATION.format(d.defaultInterval()));
            ArrayNode ps = o.putArray("problems");
            d.problems().stream().map(Problem::id).sorted().forEach(ps::add);
            ArrayNode ss = o.putArray("settings");
            for (Setting<?> setting : d.allSettings()) {
                ss.addObject().put("key", d.id() + "." + setting.name()).put("default", setting.defaultText())
                        .put("unit", setting.type().unit()).put("description", setting.description());
            }
        }
        return root;
    }
}
