package dev.telltale.cli.internal.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.telltale.cli.internal.CliException;
import dev.telltale.cli.internal.RunbookLinks;
import dev.telltale.cli.internal.runbook.ProblemSearch;
import dev.telltale.cli.internal.runbook.Runbooks;
import dev.telltale.core.Problem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "problems", mixinStandardHelpOptions = true,
        description = {"Lists the problems of the catalogue, or, with --search, ranks them by the symptom you see "
                + "(\"checkout slow under load\"), from their titles, summaries and runbooks, offline.",
                "Then: telltale explain PROBLEM."})
public final class ProblemsCommand implements Callable<Integer> {
    @Option(names = "--search", paramLabel = "WORDS", description = "Symptom words to rank the problems by.")
    String search;

    @Option(names = "--limit", defaultValue = "10", description = "With --search, how many problems to show (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--format", defaultValue = "table", description = "table or json.")
    Options.Format format;

    @CommandLine.Mixin
    Options.Links links = new Options.Links();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A problem as listed, with its score when searched for. */
    private record Line(Problem problem, Double score) {
    }

    @Override
    public Integer call() throws Exception {
        RunbookLinks runbooks = links.links();
        if (limit < 1) {
            throw new CliException("--limit: '" + limit + "' must be 1 or more");
        }
        List<Line> lines;
        if (search == null) {
            lines = Arrays.stream(Problem.values()).map(p -> new Line(p, null)).toList();
        } else {
            if (!ProblemSearch.hasWords(search)) {
                throw new CliException("--search: '" + search + "' has no word to search for");
            }
            lines = new ProblemSearch(p -> Runbooks.read(p).orElse("")).search(search).stream().limit(limit)
                    .map(h -> new Line(h.problem(), h.score())).toList();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == Options.Format.json) {
            ArrayNode array = new ObjectMapper().createArrayNode();
            for (Line l : lines) {
                var o = array.addObject().put("id", l.problem().id()).put("title", l.problem().title())
                        .put("summary", l.problem().summary()).put("runbook", runbooks.of(l.problem()));
                if (l.score() != null) {
                    o.put("score", Math.round(l.score() * 100) / 100.0);
                }
            }
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(array));
        } else if (lines.isEmpty()) {
            out.println("No problem matches '" + search + "'. telltale problems lists them all.");
        } else {
            int rank = 0;
            for (Line l : lines) {
                String head = l.score() == null ? "  " : String.format("%3d. ", ++rank);
                out.printf("%s%-45s %s: %s%n", head, l.problem().id(), l.problem().title(), l.problem().summary());
            }
            out.println();
            out.println("Read one: telltale explain " + lines.get(0).problem().id());
        }
        out.flush();
        return 0;
    }
}
